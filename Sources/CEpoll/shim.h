#ifndef JMAP_RELAY_CEPOLL_SHIM_H
#define JMAP_RELAY_CEPOLL_SHIM_H
// epoll and eventfd for the event loops. Swift's Glibc module does not expose
// <sys/epoll.h>, and `struct epoll_event` is packed on x86_64, so Swift cannot build one:
// these wrappers take and return plain integers.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <unistd.h>
#include <errno.h>

/// Readiness bits, as plain constants.
static const uint32_t relay_EPOLLIN = EPOLLIN;
static const uint32_t relay_EPOLLOUT = EPOLLOUT;
static const uint32_t relay_EPOLLERR = EPOLLERR;
static const uint32_t relay_EPOLLHUP = EPOLLHUP;
static const uint32_t relay_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t relay_EPOLLET = EPOLLET;

static inline int relay_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// Adds (op 0), changes (1) or removes (2) `fd`; `token` comes back with its events.
static inline int relay_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = token;
    int o = op == 0 ? EPOLL_CTL_ADD : op == 1 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL;
    return epoll_ctl(epfd, o, fd, &ev);
}

/// Waits for up to `max` events (at most 256) into the two arrays; -1 with errno on failure.
static inline int relay_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int max, int timeout_ms) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, evs, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        tokens[i] = evs[i].data.u64;
        events[i] = evs[i].events;
    }
    return n;
}

/// A non-blocking eventfd to wake a loop from another thread.
static inline int relay_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

static inline void relay_eventfd_signal(int fd) {
    uint64_t one = 1;
    ssize_t r = write(fd, &one, sizeof one);
    (void)r;
}

static inline void relay_eventfd_drain(int fd) {
    uint64_t v;
    ssize_t r = read(fd, &v, sizeof v);
    (void)r;
}

static inline int relay_errno(void) { return errno; }

#include <sched.h>
/// Lets another runnable thread on this CPU go first (a loop polling briefly before it sleeps).
static inline void relay_sched_yield(void) { sched_yield(); }
#endif
