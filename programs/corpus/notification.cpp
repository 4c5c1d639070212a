// A one-shot Notification (the shape of absl::Notification and of C++20's std::latch(1)) on
// hangar::Waitable (atomic-wait.hpp), passed around in a relay: main notifies the first of
// THREADS threads, each thread waits for its notification, checks the data its predecessor
// published with it, publishes its own and notifies the next; main waits for the last.
// Invariant (asserted): each thread sees its predecessor's data (the notification is a
// release/acquire hand-over), and the relay ends.
// What C++ brings into the assembly: mangled names (hangar::Waitable<unsigned>::wait as a
// weak symbol in a COMDAT section group, .section .text._ZN...,"axG",@progbits,...,comdat),
// a constexpr constructor (no guard variable), std::atomic inlined to the same instructions as
// the C builtins.
#include "atomic-wait.hpp"

#ifndef THREADS
#define THREADS 2
#endif

namespace {

class Notification {
public:
    void notify()
    {
        assert(state_.load(std::memory_order_relaxed) == 0); // one-shot
        state_.store(1, std::memory_order_release);
        state_.notify_all();
    }
    void wait() const { state_.wait(0u); }
    bool has_been_notified() const { return state_.load(std::memory_order_acquire) != 0; }

private:
    hangar::Waitable<unsigned> state_{0};
};

struct Leg {
    Notification go;
    int data = 0; // written before `go` is notified
};

Leg legs[THREADS + 1];

void *runner(void *arg)
{
    int i = static_cast<int>(reinterpret_cast<intptr_t>(arg));
    legs[i].go.wait();
    assert(legs[i].data == 10 * i + 1);
    legs[i + 1].data = 10 * (i + 1) + 1;
    legs[i + 1].go.notify();
    return nullptr;
}

} // namespace

int main()
{
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        t[i] = spawn(runner, reinterpret_cast<void *>(static_cast<intptr_t>(i)));
    legs[0].data = 1;
    legs[0].go.notify();
    legs[THREADS].go.wait();
    assert(legs[THREADS].go.has_been_notified() && legs[THREADS].data == 10 * THREADS + 1);
    for (int i = 0; i < THREADS; i++)
        join(t[i]);
    return 0;
}
