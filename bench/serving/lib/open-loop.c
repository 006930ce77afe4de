/*
 * An open-loop HTTP/1.1 load generator (the bench's precise one): request i is due at
 * start + i / rate whatever happened to earlier ones, and its latency is measured from that due
 * time (coordinated omission corrected). One request in flight per keep-alive connection; a timerfd
 * wakes it at each due time with nanosecond precision, so its own lateness stays in microseconds.
 *
 *   open-loop HOST PORT PATH BODY_FILE RATE SECONDS WARMUP_SECONDS CONNECTIONS
 *
 * Prints one JSON object: counts by status class, errors, achieved rate, and latency and lateness
 * percentiles in milliseconds over the measured part (after the warm-up).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int fd;
  int busy;
  uint64_t due_ns;   /* when the request in flight was due */
  uint64_t sent_ns;
  char buf[65536];
  size_t len;
} conn_t;

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static double pct_ms(uint64_t *v, size_t n, double q) {
  if (n == 0) return -1;
  size_t i = (size_t)(q * (double)(n - 1) + 0.5);
  return (double)v[i] / 1e6;
}

static int connect_to(const char *host, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, host, &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { perror("connect"); exit(2); }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  fcntl(fd, F_SETFL, O_NONBLOCK);
  return fd;
}

/* A complete response in c->buf? Returns its length (and the status), or 0 when more is needed. */
static size_t complete_response(conn_t *c, int *status) {
  c->buf[c->len < sizeof c->buf ? c->len : sizeof c->buf - 1] = 0;
  char *end = strstr(c->buf, "\r\n\r\n");
  if (!end) return 0;
  size_t head = (size_t)(end - c->buf) + 4;
  long body = 0;
  char *cl = strcasestr(c->buf, "\r\ncontent-length:");
  if (cl && cl < end) body = strtol(cl + 17, NULL, 10);
  if (c->len < head + (size_t)body) return 0;
  *status = atoi(c->buf + 9);
  return head + (size_t)body;
}

int main(int argc, char **argv) {
  if (argc != 9) {
    fprintf(stderr, "usage: %s HOST PORT PATH BODY_FILE RATE SECONDS WARMUP_SECONDS CONNECTIONS\n", argv[0]);
    return 2;
  }
  const char *host = argv[1], *path = argv[3];
  int port = atoi(argv[2]), nconn = atoi(argv[8]);
  double rate = atof(argv[5]), seconds = atof(argv[6]), warmup = atof(argv[7]);
  FILE *f = fopen(argv[4], "rb");
  if (!f) { perror("body"); return 2; }
  static char body[4 << 20];
  size_t blen = fread(body, 1, sizeof body, f);
  fclose(f);
  size_t cap = blen + 512;
  char *req = malloc(cap);
  int rlen = snprintf(req, cap, "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      path, host, port, blen);
  memcpy(req + rlen, body, blen);
  rlen += (int)blen;

  conn_t *conns = calloc((size_t)nconn, sizeof(conn_t));
  int ep = epoll_create1(0);
  for (int i = 0; i < nconn; i++) {
    conns[i].fd = connect_to(host, port);
    struct epoll_event e = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, conns[i].fd, &e);
  }
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  struct epoll_event te = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
  epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &te);

  uint64_t period = (uint64_t)(1e9 / rate);
  uint64_t total = (uint64_t)((warmup + seconds) * rate), warm = (uint64_t)(warmup * rate);
  uint64_t start = now_ns() + 50000000ull, measure_from = start + warm * period;
  uint64_t *lat = malloc(sizeof(uint64_t) * (total + 1)), *late = malloc(sizeof(uint64_t) * (total + 1));
  size_t nlat = 0, nlate = 0;
  uint64_t next = 0, done = 0, ok = 0, non2xx = 0, errors = 0, measured_done = 0;
  uint64_t last_end = start;

  while (done < total) {
    uint64_t t = now_ns();
    /* Send every request that is due, on idle connections; the rest wait (latency keeps counting). */
    while (next < total && start + next * period <= t) {
      int idle = -1;
      for (int i = 0; i < nconn; i++) if (!conns[i].busy) { idle = i; break; }
      if (idle < 0) break;
      conn_t *c = &conns[idle];
      c->busy = 1;
      c->due_ns = start + next * period;
      c->sent_ns = now_ns();
      c->len = 0;
      if (c->due_ns >= measure_from) late[nlate++] = c->sent_ns - c->due_ns;
      ssize_t w = write(c->fd, req, (size_t)rlen);
      if (w != rlen) { errors++; done++; c->busy = 0; }
      next++;
    }
    if (next < total) {
      uint64_t due = start + next * period;
      struct itimerspec its = {0};
      uint64_t wait = due > t ? due - t : 1000;
      its.it_value.tv_sec = (time_t)(wait / 1000000000ull);
      its.it_value.tv_nsec = (long)(wait % 1000000000ull);
      timerfd_settime(tfd, 0, &its, NULL);
    }
    struct epoll_event evs[256];
    int n = epoll_wait(ep, evs, 256, 1000);
    for (int k = 0; k < n; k++) {
      uint32_t id = evs[k].data.u32;
      if (id == UINT32_MAX) { uint64_t x; (void)!read(tfd, &x, sizeof x); continue; }
      conn_t *c = &conns[id];
      ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
      if (r <= 0) { if (r < 0 && errno == EAGAIN) continue; fprintf(stderr, "connection closed\n"); return 3; }
      c->len += (size_t)r;
      int status = 0;
      size_t used = complete_response(c, &status);
      if (!used || !c->busy) continue;
      uint64_t end = now_ns();
      if (status >= 200 && status < 300) ok++; else non2xx++;
      if (c->due_ns >= measure_from) { lat[nlat++] = end - c->due_ns; measured_done++; last_end = end; }
      c->busy = 0;
      c->len = 0;
      done++;
    }
  }
  qsort(lat, nlat, sizeof *lat, cmp_u64);
  qsort(late, nlate, sizeof *late, cmp_u64);
  double span = (double)(last_end - measure_from) / 1e9;
  printf("{\"generator\":\"open-loop.c\",\"target_rate\":%.1f,\"achieved_rate\":%.1f,\"requests\":%llu,"
         "\"ok\":%llu,\"non2xx\":%llu,\"errors\":%llu,"
         "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"max\":%.3f},"
         "\"lateness_ms\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}}\n",
         rate, span > 0 ? (double)measured_done / span : 0, (unsigned long long)nlat, (unsigned long long)ok,
         (unsigned long long)non2xx, (unsigned long long)errors, pct_ms(lat, nlat, 0.5), pct_ms(lat, nlat, 0.9),
         pct_ms(lat, nlat, 0.99), pct_ms(lat, nlat, 0.999), nlat ? (double)lat[nlat - 1] / 1e6 : -1,
         pct_ms(late, nlate, 0.5), pct_ms(late, nlate, 0.99), nlate ? (double)late[nlate - 1] / 1e6 : -1);
  return 0;
}
