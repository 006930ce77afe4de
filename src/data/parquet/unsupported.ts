/** Thrown by the fast decoder for what it leaves to hyparquet (an encoding or codec it does not read). */
export class Unsupported extends Error {
  constructor(what: string) {
    super(`the fast Parquet decoder does not read ${what}`);
    this.name = "Unsupported";
  }
}
