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
// Every method named by the tests is [NoInlining] so that it keeps its own frame.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

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
                case "crash-nullref": Crasher.NullReference(null); return 1;
                case "crash-sigsegv": Native.SegfaultInLibc(); return 1;
                case "crash-abort": Native.Abort(); return 1;
                case "crash-failfast": Crasher.FailFast(); return 1;
                case "crash-stackoverflow": Crasher.Recurse(0); return 1;
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
