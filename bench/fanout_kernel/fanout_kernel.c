// The kernel's own cost of fan-out on this machine: one small write to each of N loopback TCP
// sockets, round after round, the way a chat server delivers one message to N members, and
// nothing else (no framing, no JSON, no event loop). The writer is one thread in this process;
// the receiving ends live in a forked child that drains them with epoll, so the writer's CPU
// time (user + system, RUSAGE_THREAD) is what one delivery costs the sending side. On loopback
// that includes the receive path (the TCP input processing runs in the sender's context); the
// reader's wake-ups and reads are the clients' cost, as they are in Meridian's benchmarks.
//
//   cc -O2 -Wall -Wextra -o fanout_kernel bench/fanout_kernel/fanout_kernel.c
//   ./fanout_kernel [--sockets 500] [--bytes 300] [--rounds 2000] [--mode sendmsg2|write]
//
// --mode sendmsg2 (default) writes like Meridian's FrameStream: one sendmsg with two iovecs, the
// WebSocket frame header (4 bytes) and the payload; --mode write is a single write(2) of both.
// Prints one line `FANOUT_KERNEL {json}` with the per-write CPU time in microseconds.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char* what) {
  perror(what);
  exit(1);
}

static double seconds(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

static double now_wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// The reader: drains every client socket until all of them reach end of file.
static void drain(const int* fds, int n) {
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  for (int i = 0; i < n; ++i) {
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fds[i]};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) die("epoll_ctl");
  }
  static char buf[1 << 16];
  int open = n;
  struct epoll_event events[256];
  while (open > 0) {
    int k = epoll_wait(ep, events, 256, -1);
    if (k < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < k; ++i) {
      ssize_t r = read(events[i].data.fd, buf, sizeof buf);
      if (r == 0) {
        epoll_ctl(ep, EPOLL_CTL_DEL, events[i].data.fd, NULL);
        close(events[i].data.fd);
        --open;
      } else if (r < 0 && errno != EAGAIN && errno != EINTR) {
        die("read");
      }
    }
  }
}

int main(int argc, char** argv) {
  int sockets = 500, bytes = 300, rounds = 2000, warmup = 200;
  const char* mode = "sendmsg2";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--sockets"))
      sockets = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--bytes"))
      bytes = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--rounds"))
      rounds = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--warmup"))
      warmup = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--mode"))
      mode = argv[i + 1];
    else {
      fprintf(stderr, "unknown option %s\n", argv[i]);
      return 2;
    }
  }
  int use_write = !strcmp(mode, "write");
  if (!use_write && strcmp(mode, "sendmsg2")) {
    fprintf(stderr, "--mode is sendmsg2 or write\n");
    return 2;
  }
  if (sockets < 1 || bytes < 1 || bytes > 65535 || rounds < 1 || warmup < 0) {
    fprintf(stderr, "bad sizes\n");
    return 2;
  }
  struct rlimit nofile;
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) die("socket");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = 0};
  if (bind(listener, (struct sockaddr*)&addr, sizeof addr) < 0) die("bind");
  if (listen(listener, 1024) < 0) die("listen");
  socklen_t len = sizeof addr;
  if (getsockname(listener, (struct sockaddr*)&addr, &len) < 0) die("getsockname");

  int* server = calloc((size_t)sockets, sizeof(int));
  int* client = calloc((size_t)sockets, sizeof(int));
  if (!server || !client) die("calloc");
  const int one = 1;
  for (int i = 0; i < sockets; ++i) {
    client[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (client[i] < 0) die("socket");
    if (connect(client[i], (struct sockaddr*)&addr, sizeof addr) < 0) die("connect");
    server[i] = accept(listener, NULL, NULL);
    if (server[i] < 0) die("accept");
    // As Meridian's sockets: no Nagle, non-blocking.
    setsockopt(server[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (fcntl(server[i], F_SETFL, O_NONBLOCK) < 0) die("fcntl");
  }
  close(listener);

  pid_t reader = fork();
  if (reader < 0) die("fork");
  if (reader == 0) {
    for (int i = 0; i < sockets; ++i) close(server[i]);
    drain(client, sockets);
    _exit(0);
  }
  for (int i = 0; i < sockets; ++i) close(client[i]);

  // A WebSocket text frame from the server: 0x81, 126, 16-bit length, then the payload.
  unsigned char header[4] = {0x81, 126, (unsigned char)(bytes >> 8), (unsigned char)(bytes & 0xff)};
  char* payload = malloc((size_t)bytes + sizeof header);
  if (!payload) die("malloc");
  memset(payload + sizeof header, 'x', (size_t)bytes);
  memcpy(payload, header, sizeof header);
  long long again = 0;

  struct rusage before, after;
  double wall_start = 0;
  for (int r = 0; r < warmup + rounds; ++r) {
    if (r == warmup) {
      getrusage(RUSAGE_THREAD, &before);
      wall_start = now_wall();
    }
    for (int i = 0; i < sockets; ++i) {
      ssize_t w;
      if (use_write) {
        w = write(server[i], payload, (size_t)bytes + sizeof header);
      } else {
        struct iovec iov[2] = {{header, sizeof header}, {payload + sizeof header, (size_t)bytes}};
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
        w = sendmsg(server[i], &msg, MSG_NOSIGNAL);
      }
      if (w < 0) {
        if (errno != EAGAIN) die("send");
        ++again;  // the reader fell behind by a whole socket buffer: counted, not retried
      }
    }
  }
  getrusage(RUSAGE_THREAD, &after);
  double wall = now_wall() - wall_start;
  for (int i = 0; i < sockets; ++i) close(server[i]);
  int status;
  waitpid(reader, &status, 0);

  double user = seconds(after.ru_utime) - seconds(before.ru_utime);
  double sys = seconds(after.ru_stime) - seconds(before.ru_stime);
  double writes = (double)sockets * rounds;
  printf(
      "FANOUT_KERNEL {\"mode\":\"%s\",\"sockets\":%d,\"bytes\":%d,\"rounds\":%d,\"writes\":%.0f,"
      "\"cpu_us_per_write\":%.3f,\"sys_us_per_write\":%.3f,\"user_us_per_write\":%.3f,"
      "\"wall_us_per_write\":%.3f,\"eagain\":%lld}\n",
      mode, sockets, bytes, rounds, writes, (user + sys) / writes * 1e6, sys / writes * 1e6, user / writes * 1e6,
      wall / writes * 1e6, again);
  return 0;
}
