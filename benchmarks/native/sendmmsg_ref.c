// Reference sender for the sender benchmark: the fastest plain way to put UDP datagrams into
// the kernel without GSO, i.e. sendmmsg(2) with per-message destinations from an unconnected
// socket (what the Listener socket does: every packet may go elsewhere); with segments > 1, the
// same with GSO.
//
// usage: sendmmsg_ref <dest-ip> <dest-port> <payload-bytes> <seconds> [batch] [epoll|plain] [threads] [segments]
// "epoll": also register the socket in an epoll set (EPOLLIN), as an event loop that receives on
// the socket does. Diagnostic only: the socket's wait queue then has an entry, and the kernel
// runs the epoll callback (a locked wake-up attempt) each time a sent datagram's buffer space is
// freed, i.e. per datagram on loopback. The goal's reference is the plain run.
// threads > 1: that many threads, each with its own socket bound to one shared port with
// SO_REUSEPORT: the reference for a Listener with one SO_REUSEPORT socket per event loop.
// segments > 1: each sendmmsg entry carries that many datagrams of payload-bytes with a UDP_SEGMENT
// size (UDP GSO), the reference for the sender's segmented runs to one destination.
// prints: one JSON line {"sent":N,"seconds":S,"pps":P,"cpuSeconds":C,"ppsPerCpu":Q,"batch":B,"calls":K,"threads":T}
// "sent" counts only datagrams the kernel accepted (sendmmsg's return values); CPU is the whole
// process's (all threads).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024
#define MAX_THREADS 64

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

struct worker {
    int fd, size, batch, segments;
    double end;
    struct sockaddr_in dst;
    long long sent, calls;
    int failed;
};

static void *run(void *arg) {
    struct worker *w = arg;
    // Distinct buffers per slot, as a real sender has distinct payloads.
    struct mmsghdr *msgs = calloc(w->batch, sizeof *msgs);
    struct iovec *iov = calloc(w->batch, sizeof *iov);
    size_t entry = (size_t)w->size * w->segments;
    char *bufs = calloc(w->batch, entry > 0 ? entry : 1);
    char (*ctrl)[CMSG_SPACE(sizeof(uint16_t))] = calloc(w->batch, sizeof *ctrl);
    for (int i = 0; i < w->batch; i++) {
        memset(bufs + (size_t)i * entry, i, entry);
        iov[i].iov_base = bufs + (size_t)i * entry;
        iov[i].iov_len = entry;
        if (w->segments > 1) {
            msgs[i].msg_hdr.msg_control = ctrl[i];
            msgs[i].msg_hdr.msg_controllen = sizeof ctrl[i];
            struct cmsghdr *c = CMSG_FIRSTHDR(&msgs[i].msg_hdr);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            uint16_t seg = (uint16_t)w->size;
            memcpy(CMSG_DATA(c), &seg, sizeof seg);
        }
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &w->dst;
        msgs[i].msg_hdr.msg_namelen = sizeof w->dst;
    }
    double t = now();
    while (t < w->end) {
        int n = sendmmsg(w->fd, msgs, w->batch, 0);
        w->calls++;
        if (n > 0) w->sent += (long long)n * w->segments;
        else if (n < 0 && errno != EAGAIN && errno != ENOBUFS && errno != EINTR) { perror("sendmmsg"); w->failed = 1; break; }
        if ((w->calls & 15) == 0) t = now();
    }
    free(msgs);
    free(iov);
    free(bufs);
    free(ctrl);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s dest-ip dest-port payload-bytes seconds [batch] [epoll|plain] [threads]\n", argv[0]);
        return 2;
    }
    int size = atoi(argv[3]);
    double seconds = atof(argv[4]);
    int batch = argc > 5 ? atoi(argv[5]) : 64;
    int with_epoll = argc > 6 && strcmp(argv[6], "epoll") == 0;
    int threads = argc > 7 ? atoi(argv[7]) : 1;
    int segments = argc > 8 ? atoi(argv[8]) : 1;
    if (batch < 1 || batch > MAX_BATCH || size < 0 || size > 65507 || threads < 1 || threads > MAX_THREADS) return 2;
    if (segments < 1 || (segments > 1 && (size < 1 || (long)size * segments > 65507))) return 2;

    struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[2])) };
    if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 2; }

    static struct worker w[MAX_THREADS];
    struct sockaddr_in src = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    for (int k = 0; k < threads; k++) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0) { perror("socket"); return 1; }
        int sndbuf = 4 << 20, one = 1;
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
        if (threads > 1) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&src, sizeof src) < 0) { perror("bind"); return 1; }
        if (k == 0) { // the others join the first socket's port
            socklen_t len = sizeof src;
            getsockname(fd, (struct sockaddr *)&src, &len);
        }
        if (with_epoll) {
            int ep = epoll_create1(0);
            struct epoll_event ev = { .events = EPOLLIN };
            if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) { perror("epoll"); return 1; }
        }
        w[k] = (struct worker){ .fd = fd, .size = size, .batch = batch, .segments = segments, .dst = dst };
    }

    double start = now();
    pthread_t tid[MAX_THREADS];
    for (int k = 0; k < threads; k++) {
        w[k].end = start + seconds;
        if (pthread_create(&tid[k], NULL, run, &w[k]) != 0) { perror("pthread_create"); return 1; }
    }
    long long sent = 0, calls = 0;
    int failed = 0;
    for (int k = 0; k < threads; k++) {
        pthread_join(tid[k], NULL);
        sent += w[k].sent;
        calls += w[k].calls;
        failed |= w[k].failed;
    }
    if (failed) return 1;
    double elapsed = now() - start;
    // CPU time (user + system, which includes loopback delivery done inside the syscall): on a
    // shared machine, datagrams per CPU-second is the stable measure of cost per datagram.
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("{\"sent\":%lld,\"seconds\":%.3f,\"pps\":%.0f,\"cpuSeconds\":%.3f,\"ppsPerCpu\":%.0f,\"batch\":%d,\"calls\":%lld,\"epoll\":%s,\"threads\":%d,\"segments\":%d}\n",
           sent, elapsed, sent / elapsed, cpu, sent / cpu, batch, calls, with_epoll ? "true" : "false", threads, segments);
    for (int k = 0; k < threads; k++) close(w[k].fd);
    return 0;
}
