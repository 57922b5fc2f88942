// ddcrash .NET test app. One executable, many modes (first argument):
//   live [N]         N (default 3) named worker threads parked in known managed methods, one
//                    thread parked inside an exception filter (exception in flight); prints
//                    "READY <pid>" once every thread is parked, then waits forever.
//   crash-main       unhandled InvalidOperationException on the main thread
//   crash-worker     unhandled InvalidOperationException on thread "ddcrash-crasher"
//   crash-inner      unhandled exception with an inner exception chain
//   crash-nullref    NullReferenceException from managed code
//   crash-sigsegv    native SIGSEGV inside libc (memset on a wild pointer), reached by P/Invoke
//   crash-abort      libc abort() through P/Invoke
//   crash-failfast   Environment.FailFast
//   crash-stackoverflow  unbounded managed recursion
//   crash-async      unhandled InvalidOperationException thrown by an `async void` method after
//                    `await Task.Yield()`: the runtime rethrows it from a thread-pool work item,
//                    so it kills the process on a thread-pool worker (".NET TP Worker"), whose
//                    stack is the thread pool's dispatch loop, not the original throw site
//   crash-threads [N]  N (default 500) threads "ddcrash-pk-<n>" parked in Parker.ParkHere
//                    (Monitor.Wait), every one confirmed parked, then an unhandled
//                    InvalidOperationException on the main thread
//   crash-gc         4 threads "ddcrash-alloc-<n>" allocating arrays, lists and strings
//                    without pause, 2 of them also calling GC.Collect (so a collection is in
//                    progress much of the time); 200 ms after they all started, an unhandled
//                    InvalidOperationException on the main thread
//   crash-double     threads "ddcrash-crash-1" and "ddcrash-crash-2" throw unhandled
//                    InvalidOperationExceptions ("... first of two" / "... second of two") at
//                    the same instant (a Barrier releases both)
//   crash-second [MS]  "ddcrash-crash-1" throws an unhandled exception; "ddcrash-crash-2",
//                    released with it, sleeps MS ms (default 100: longer than the runtime takes
//                    to start the reporter, shorter than the report) and then segfaults in
//                    libc, so its fault comes due while the first crash is being reported
// The crash-async/-threads/-gc modes print "ddcrash-test: crashing at monotonic ns <T>" on
// stderr just before their exception is thrown, so that the test can time the crash itself
// apart from the setup (starting 500 threads takes seconds on a busy 2-core machine).
// Every method named by the tests is [NoInlining] so that it keeps its own frame. OS thread
// names are cut to 15 bytes, so names that the tests match on stay within that.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Ddcrash.TestApp
{
    public static class Program
    {
        public const int WorkerCount = 3;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Main(string[] args)
        {
            string mode = args.Length > 0 ? args[0] : "live";
            switch (mode)
            {
                case "live":
                    int workers = WorkerCount;
                    if (args.Length > 1 && (!int.TryParse(args[1], out workers) || workers < 1))
                    {
                        Console.Error.WriteLine("live: bad worker count: " + args[1]);
                        return 2;
                    }
                    RunLive(workers);
                    return 0;
                case "crash-main": Crasher.ThrowOnMain(); return 1;
                case "crash-worker": Crasher.ThrowOnWorker(); return 1;
                case "crash-inner": Crasher.ThrowWithInner(); return 1;
                case "crash-aggregate": Crasher.TwoFaults(); return 1;
                case "crash-nullref": Crasher.NullReference(null); return 1;
                case "crash-sigsegv": Native.SegfaultInLibc(); return 1;
                case "crash-abort": Native.Abort(); return 1;
                case "crash-failfast": Crasher.FailFast(); return 1;
                case "crash-stackoverflow": Crasher.Recurse(0); return 1;
                case "crash-async": AsyncCrasher.Run(); return 1;
                case "crash-threads":
                    int parked = ManyThreads.DefaultCount;
                    if (args.Length > 1 && (!int.TryParse(args[1], out parked) || parked < 1))
                    {
                        Console.Error.WriteLine("crash-threads: bad thread count: " + args[1]);
                        return 2;
                    }
                    ManyThreads.ParkThenThrow(parked);
                    return 1;
                case "crash-gc": Allocator.ThrowWhileAllocating(); return 1;
                case "crash-double": TwoCrashes.Run(-1); return 1;
                case "crash-second":
                    int delay = 100;
                    if (args.Length > 1 && (!int.TryParse(args[1], out delay) || delay < 0))
                    {
                        Console.Error.WriteLine("crash-second: bad delay: " + args[1]);
                        return 2;
                    }
                    TwoCrashes.Run(delay);
                    return 1;
                default:
                    Console.Error.WriteLine("unknown mode: " + mode);
                    return 2;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void RunLive(int workerCount)
        {
            var ready = new CountdownEvent(workerCount + 1);
            var gates = new object[workerCount + 1];
            for (int i = 0; i < gates.Length; i++) gates[i] = new object();
            for (int i = 0; i < workerCount; i++)
            {
                int n = i + 1;
                var t = new Thread(() => Worker.Run(gates[n - 1], ready))
                {
                    Name = "ddcrash-worker-" + n,
                    IsBackground = true,
                };
                t.Start();
            }
            var thrower = new Thread(() => Thrower.Run(gates[workerCount], ready))
            {
                Name = "ddcrash-thrower",
                IsBackground = true,
            };
            thrower.Start();
            // The main thread parks too; a reporter thread says READY once every thread,
            // main included, is parked. Each parked thread signals while holding its gate and
            // releases it only inside Monitor.Wait, so taking every gate once proves it.
            var mainGate = new object();
            var mainReady = new CountdownEvent(1);
            var reporter = new Thread(() =>
            {
                ready.Wait();
                mainReady.Wait();
                foreach (var g in gates) { lock (g) { } }
                lock (mainGate) { }
                Console.Out.WriteLine("READY " + Environment.ProcessId);
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
            })
            {
                Name = "ddcrash-reporter",
                IsBackground = true,
            };
            reporter.Start();
            Parker.ParkMain(mainGate, mainReady);
        }
    }

    public static class Worker
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run(object gate, CountdownEvent ready)
        {
            Parker.ParkHere(gate, ready);
        }
    }

    public static class Parker
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ParkHere(object gate, CountdownEvent ready)
        {
            lock (gate)
            {
                ready.Signal();
                while (true) Monitor.Wait(gate);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ParkMain(object gate, CountdownEvent ready)
        {
            ParkHere(gate, ready);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static bool ParkInFilter(Exception e, object gate, CountdownEvent ready)
        {
            GC.KeepAlive(e);
            ParkHere(gate, ready);
            return false;
        }
    }

    public static class Thrower
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run(object gate, CountdownEvent ready)
        {
            try
            {
                ThrowInFlight();
            }
            catch (InvalidOperationException e) when (Parker.ParkInFilter(e, gate, ready))
            {
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowInFlight()
        {
            throw new InvalidOperationException("ddcrash test: in flight");
        }
    }

    public static class Crasher
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowOnMain() => Level1("ddcrash test: main thread");

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Level1(string message) => Level2(message);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Level2(string message) => throw new InvalidOperationException(message);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowOnWorker()
        {
            var t = new Thread(() => Level1("ddcrash test: worker thread")) { Name = "ddcrash-crasher" };
            t.Start();
            t.Join();
        }

        // Task.WhenAll(a, b).Wait() with both tasks faulted: an AggregateException holding both.
        // Both end before WhenAll sees them, so that it lists them in this order on every
        // version (.NET 10 lists faults that arrive later in the order they happen).
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void TwoFaults()
        {
            Task a = Task.Run(() => Level2("ddcrash test: first fault"));
            Task b = Task.Run(() => throw new ArgumentException("ddcrash test: second fault", "len"));
            ((IAsyncResult)a).AsyncWaitHandle.WaitOne();
            ((IAsyncResult)b).AsyncWaitHandle.WaitOne();
            Task.WhenAll(a, b).Wait();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowWithInner()
        {
            try
            {
                Level2("ddcrash test: inner");
            }
            catch (Exception inner)
            {
                throw new ApplicationException("ddcrash test: outer", inner);
            }
        }

        public sealed class Box { public int Value; }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int NullReference(Box? box) => box!.Value;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void FailFast() => Environment.FailFast("ddcrash test: failfast");

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Recurse(int depth)
        {
            Span<byte> pad = stackalloc byte[256];
            pad[0] = (byte)depth;
            return Recurse(depth + 1) + pad[0];
        }
    }

    public static class Stamp
    {
        // Stopwatch reads CLOCK_MONOTONIC on Linux, the clock of Python's time.monotonic_ns().
        public static void Crashing()
        {
            long t = Stopwatch.GetTimestamp();
            long ns = Stopwatch.Frequency == 1_000_000_000 ? t : (long)(t * (1e9 / Stopwatch.Frequency));
            Console.Error.WriteLine("ddcrash-test: crashing at monotonic ns " + ns);
        }
    }

    public static class AsyncCrasher
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run()
        {
            ThrowAfterYield();
            // The exception kills the process from a thread-pool thread; main just waits.
            Thread.Sleep(Timeout.Infinite);
        }

        // async void: no Task to hold the exception, and no SynchronizationContext here, so the
        // builder queues its rethrow (ExceptionDispatchInfo.Throw) to the thread pool.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static async void ThrowAfterYield()
        {
            await Task.Yield();
            Stamp.Crashing();
            Level1("ddcrash test: async");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Level1(string message) => throw new InvalidOperationException(message);
    }

    public static class ManyThreads
    {
        public const int DefaultCount = 500;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ParkThenThrow(int count)
        {
            var ready = new CountdownEvent(count);
            var gates = new object[count];
            for (int i = 0; i < count; i++)
            {
                var gate = gates[i] = new object();
                var t = new Thread(() => Worker.Run(gate, ready))
                {
                    Name = "ddcrash-pk-" + (i + 1),
                    IsBackground = true,
                };
                t.Start();
            }
            // Each thread signals while holding its gate and releases it only inside
            // Monitor.Wait, so taking every gate once proves every thread is parked.
            ready.Wait();
            foreach (var g in gates) { lock (g) { } }
            Stamp.Crashing();
            Throw(count);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Throw(int count) =>
            throw new InvalidOperationException("ddcrash test: " + count + " threads parked");
    }

    public static class Allocator
    {
        public const int ThreadCount = 4;
        public const int RunMs = 200;

        // Threads 1 and 2 also induce collections (gen0 often, full compacting ones
        // regularly), so a GC is in progress much of the time; threads 3 and 4 only allocate,
        // so a GC stops them wherever they are (mostly inside allocations) or starts on them.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowWhileAllocating()
        {
            var started = new CountdownEvent(ThreadCount);
            for (int i = 0; i < ThreadCount; i++)
            {
                int seed = i + 1;
                bool induce = seed <= 2;
                var t = new Thread(() => Run(seed, induce, started))
                {
                    Name = "ddcrash-alloc-" + seed,
                    IsBackground = true,
                };
                t.Start();
            }
            started.Wait();
            Thread.Sleep(RunMs);
            Stamp.Crashing();
            Throw();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Throw() =>
            throw new InvalidOperationException("ddcrash test: crash during GC");

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run(int seed, bool induce, CountdownEvent started)
        {
            var rng = new Random(seed);
            var keep = new List<object>();
            started.Signal();
            for (long i = 0; ; i++) Churn(rng, keep, i, induce);
        }

        // Short-lived and surviving garbage of several shapes, with large objects now and then.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Churn(Random rng, List<object> keep, long i, bool induce)
        {
            keep.Add(new byte[rng.Next(16, 4096)]);
            var list = new List<int>();
            for (int k = rng.Next(1, 64); k > 0; k--) list.Add(k);
            keep.Add(list);
            keep.Add(new string('x', rng.Next(1, 128)) + i);
            keep.Add(new object[rng.Next(1, 32)]);
            if (i % 64 == 0) keep.Add(new long[rng.Next(11000, 40000)]);  // large object heap
            if (keep.Count > 4000) keep.RemoveRange(0, 2000);
            if (!induce) return;
            if (i % 200 == 0) GC.Collect(0);
            if (i % 3000 == 0) GC.Collect(2, GCCollectionMode.Forced, true, true);
        }
    }

    public static class TwoCrashes
    {
        // The second thread throws too when `segfaultAfterMs` < 0, else segfaults that late.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run(int segfaultAfterMs)
        {
            var start = new Barrier(2);
            var first = new Thread(() =>
            {
                start.SignalAndWait();
                Crasher.Level1("ddcrash test: first of two");
            }) { Name = "ddcrash-crash-1" };
            var second = new Thread(() =>
            {
                start.SignalAndWait();
                if (segfaultAfterMs < 0)
                {
                    Crasher.Level1("ddcrash test: second of two");
                }
                Thread.Sleep(segfaultAfterMs);
                Native.SegfaultInLibc();
            }) { Name = "ddcrash-crash-2" };
            first.Start();
            second.Start();
            first.Join();
            second.Join();
        }
    }

    public static unsafe class Native
    {
        [DllImport("libc", EntryPoint = "memset")]
        private static extern IntPtr memset(IntPtr dest, int c, UIntPtr n);

        [DllImport("libc", EntryPoint = "abort")]
        private static extern void abort();

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void SegfaultInLibc() => memset((IntPtr)16, 0, (UIntPtr)64);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Abort() => abort();
    }
}
