// A minimal thread pool: tasks are objects with a virtual run(), queued in a fixed ring under
// a spin mutex (std::lock_guard over a BasicLockable of our own), workers sleep on a
// hangar::Waitable generation counter (atomic-wait.hpp) and the submitter waits for the
// pending count to reach 0 with the same wait/notify. The shape of the thread pools whose
// lost wake-ups on AArch64 motivated hangar's C input (issue 9).
// Invariants (asserted): every task runs exactly once; the sum of their results is known.
// What C++ brings into the assembly: a vtable and typeinfo for Task (_ZTV/_ZTI/_ZTS, which
// reference libstdc++'s __cxxabiv1 class_type_info vtable), a function-local static with a
// dynamic initialiser (guard variable _ZGV..., __cxa_guard_acquire/__cxa_guard_release),
// a dynamic initialiser for the global tasks[] (run from .init_array before main), a landing
// pad for the scope guard around the virtual call, which may throw (.gcc_except_table,
// .cfi_personality __gxx_personality_v0, _Unwind_Resume), templates in COMDAT groups.
#include <mutex>
#include "atomic-wait.hpp"

#ifndef TASKS
#define TASKS 4
#endif
#define WORKERS 2
#define QUEUE_SLOTS 8 // a power of two > TASKS

namespace {

class SpinMutex {
public:
    void lock()
    {
        while (locked_.exchange(true, std::memory_order_acquire))
            while (locked_.load(std::memory_order_relaxed)) {
            }
    }
    void unlock() { locked_.store(false, std::memory_order_release); }

private:
    std::atomic<bool> locked_{false};
};

class Task {
public:
    virtual void run() = 0;

protected:
    ~Task() = default;
};

class ThreadPool {
public:
    void start()
    {
        for (auto &w : workers_)
            w = spawn(&ThreadPool::worker_main, this);
    }

    void submit(Task *t)
    {
        pending_.fetch_add(1);
        {
            std::lock_guard<SpinMutex> g(mutex_);
            queue_[tail_++ % QUEUE_SLOTS] = t;
        }
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
    }

    void wait_idle()
    {
        for (unsigned p; (p = pending_.load(std::memory_order_acquire)) != 0;)
            pending_.wait(p);
    }

    void stop()
    {
        stopping_.store(true, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
        for (auto &w : workers_)
            join(w);
    }

private:
    static void *worker_main(void *self)
    {
        static_cast<ThreadPool *>(self)->work();
        return nullptr;
    }

    Task *pop()
    {
        std::lock_guard<SpinMutex> g(mutex_);
        return head_ == tail_ ? nullptr : queue_[head_++ % QUEUE_SLOTS];
    }

    void work()
    {
        for (;;) {
            unsigned gen = generation_.load(std::memory_order_acquire);
            while (Task *t = pop()) {
                Busy b(busy_);
                t->run(); // may throw, as far as the compiler knows: b's destructor is a cleanup
                if (pending_.fetch_sub(1) == 1)
                    pending_.notify_all();
            }
            if (stopping_.load(std::memory_order_relaxed))
                return;
            generation_.wait(gen);
        }
    }

    // Counts the workers inside a task; a scope guard, so it also unwinds.
    struct Busy {
        explicit Busy(std::atomic<int> &n) : n_(n)
        {
            int before = n_.fetch_add(1, std::memory_order_relaxed);
            assert(before < WORKERS);
            (void)before;
        }
        ~Busy() { n_.fetch_sub(1, std::memory_order_relaxed); }
        std::atomic<int> &n_;
    };

    std::atomic<int> busy_{0};
    SpinMutex mutex_;
    Task *queue_[QUEUE_SLOTS] = {};
    unsigned head_ = 0, tail_ = 0; // protected by mutex_
    hangar::Waitable<unsigned> generation_{0};
    hangar::Waitable<unsigned> pending_{0};
    std::atomic<bool> stopping_{false};
    pthread_t workers_[WORKERS] = {};
};

// A function-local static with a dynamic initialiser: thread-safe initialisation through a
// guard variable.
struct Tally {
    explicit Tally(int base) : sum(base) {}
    std::atomic<int> sum;
    std::atomic<int> runs[TASKS + 1] = {};
};

int tally_base = 0;

Tally &tally()
{
    static Tally t(tally_base);
    return t;
}

} // namespace
extern void (*task_hook)(int);
namespace {

class AddTask final : public Task {
public:
    explicit AddTask(int v) : v_(v) {}
    void run() override
    {
        Tally &t = tally();
        t.runs[v_].fetch_add(1, std::memory_order_relaxed);
        t.sum.fetch_add(v_, std::memory_order_relaxed);
        if (task_hook)
            task_hook(v_);
    }

private:
    int v_;
};

} // namespace

// Called by every task if set (never, here): an external, mutable function pointer, so the
// compiler must assume a task may throw.
void (*task_hook)(int) = nullptr;

namespace {

ThreadPool pool;
AddTask tasks[TASKS] = { AddTask(1), AddTask(2), AddTask(3), AddTask(4) };

} // namespace

int main()
{
    static_assert(TASKS == 4, "tasks[] lists TASKS values");
    pool.start();
    for (auto &t : tasks)
        pool.submit(&t);
    pool.wait_idle();
    pool.stop();
    Tally &t = tally();
    assert(t.sum.load() == 1 + 2 + 3 + 4);
    for (int v = 1; v <= TASKS; v++)
        assert(t.runs[v].load() == 1);
    return 0;
}
