// A hand-written std::atomic<T>::wait / notify_all for 32-bit T, on a futex, with a waiter count
// so that notify skips the system call when nobody can be asleep: the shape of libstdc++'s
// __atomic_wait (which needs more runtime than hangar has: its waiter pool lives in the
// shared library). The count is a Dekker pair: the waiter announces itself (seq-cst RMW) and
// fences before re-reading the value; the notifier stores the value and fences before reading
// the count. Used by notification.cpp and thread-pool.cpp.
#ifndef HANGAR_ATOMIC_WAIT_HPP
#define HANGAR_ATOMIC_WAIT_HPP

#include <atomic>
#include <cassert>
#include <climits>
#include <cstdint>

extern "C" {
#include "../include/hangar.h"
}

namespace hangar {

template <typename T>
class Waitable {
    static_assert(sizeof(T) == 4, "a futex word is 32 bits");

public:
    constexpr explicit Waitable(T v) : value_(v), waiters_(0) {}

    T load(std::memory_order o = std::memory_order_seq_cst) const { return value_.load(o); }
    void store(T v, std::memory_order o = std::memory_order_seq_cst) { value_.store(v, o); }
    T fetch_add(T v, std::memory_order o = std::memory_order_seq_cst) { return value_.fetch_add(v, o); }
    T fetch_sub(T v, std::memory_order o = std::memory_order_seq_cst) { return value_.fetch_sub(v, o); }

    // Returns once the value is no longer `old` (acquire).
    void wait(T old) const
    {
        if (value_.load(std::memory_order_acquire) != old)
            return;
        waiters_.fetch_add(1, std::memory_order_seq_cst);
        std::atomic_thread_fence(std::memory_order_seq_cst);
        while (value_.load(std::memory_order_acquire) == old)
            hangar_futex_wait(word(), static_cast<unsigned>(old));
        waiters_.fetch_sub(1, std::memory_order_relaxed);
    }

    void notify_all()
    {
        std::atomic_thread_fence(std::memory_order_seq_cst);
        if (waiters_.load(std::memory_order_relaxed) != 0)
            hangar_futex_wake(word(), INT_MAX);
    }

private:
    const unsigned *word() const { return reinterpret_cast<const unsigned *>(&value_); }

    std::atomic<T> value_;
    mutable std::atomic<uint32_t> waiters_;
};

} // namespace hangar

#endif // HANGAR_ATOMIC_WAIT_HPP
