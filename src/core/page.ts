/** One page of a paged listing. */
export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}
