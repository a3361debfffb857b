// Reference sender for the sender benchmark: the fastest plain way to put UDP datagrams into
// the kernel from one thread without GSO, i.e. sendmmsg(2) with per-message destinations from
// one unconnected socket (what the Listener socket does: every packet may go elsewhere).
//
// usage: sendmmsg_ref <dest-ip> <dest-port> <payload-bytes> <seconds> [batch] [epoll]
// "epoll": also register the socket in an epoll set (EPOLLIN), as an event loop that receives on
// the socket does. Diagnostic only: the socket's wait queue then has an entry, and the kernel
// runs the epoll callback (a locked wake-up attempt) each time a sent datagram's buffer space is
// freed, i.e. per datagram on loopback. The goal's reference is the plain run.
// prints: one JSON line {"sent":N,"seconds":S,"pps":P,"cpuSeconds":C,"ppsPerCpu":Q,"batch":B,"calls":K}
// "sent" counts only datagrams the kernel accepted (sendmmsg's return values).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s dest-ip dest-port payload-bytes seconds [batch] [epoll]\n", argv[0]);
        return 2;
    }
    int size = atoi(argv[3]);
    double seconds = atof(argv[4]);
    int batch = argc > 5 ? atoi(argv[5]) : 64;
    if (batch < 1 || batch > MAX_BATCH || size < 0 || size > 65507) return 2;

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int sndbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) { perror("bind"); return 1; }

    int with_epoll = argc > 6 && strcmp(argv[6], "epoll") == 0;
    if (with_epoll) {
        int ep = epoll_create1(0);
        struct epoll_event ev = { .events = EPOLLIN };
        if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) { perror("epoll"); return 1; }
    }

    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 2; }

    // Distinct buffers per slot, as a real sender has distinct payloads.
    static struct mmsghdr msgs[MAX_BATCH];
    static struct iovec iov[MAX_BATCH];
    char *bufs = calloc(batch, size > 0 ? size : 1);
    for (int i = 0; i < batch; i++) {
        memset(bufs + (size_t)i * size, i, size);
        iov[i].iov_base = bufs + (size_t)i * size;
        iov[i].iov_len = size;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &dst;
        msgs[i].msg_hdr.msg_namelen = sizeof dst;
    }

    long long sent = 0, calls = 0;
    double start = now(), end = start + seconds, t = start;
    while (t < end) {
        int n = sendmmsg(fd, msgs, batch, 0);
        calls++;
        if (n > 0) sent += n;
        else if (n < 0 && errno != EAGAIN && errno != ENOBUFS && errno != EINTR) { perror("sendmmsg"); return 1; }
        if ((calls & 15) == 0) t = now();
    }
    double elapsed = now() - start;
    // CPU time (user + system, which includes loopback delivery done inside the syscall): on a
    // shared machine, datagrams per CPU-second is the stable measure of cost per datagram.
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("{\"sent\":%lld,\"seconds\":%.3f,\"pps\":%.0f,\"cpuSeconds\":%.3f,\"ppsPerCpu\":%.0f,\"batch\":%d,\"calls\":%lld,\"epoll\":%s}\n",
           sent, elapsed, sent / elapsed, cpu, sent / cpu, batch, calls, with_epoll ? "true" : "false");
    close(fd);
    return 0;
}
