// ddcrash exception test app: the exceptions whose whole story lives in the exception object.
// Main is `async Task Main`, as in services. One mode (first argument) per run:
//   async-main     three awaited async levels below Main; the innermost throws an
//                  InvalidOperationException with an inner FormatException after a real await
//   whenall        Task.WhenAll(a, b).Wait() with both tasks faulted (the second with an
//                  ArgumentException that names its parameter)
//   argrange       ArgumentOutOfRangeException (parameter name and actual value) from a method
//                  with parameters
//   rethrow        an exception caught and rethrown with `throw;`
//   edi            an exception captured with ExceptionDispatchInfo.Capture and thrown again
//                  later from another method
//   linq           a generic method of a generic type called from a LINQ Select lambda throws
//   finalizer      a finalizer throws (on the runtime's finalizer thread)
//   servergc       4 threads "ddcrash-alloc-<n>" allocate without pause (run it with
//                  DOTNET_gcServer=1); after 300 ms the main thread throws
//   disposed, filenotfound, typeload, badimage, argnull
//                  the base library exceptions whose Message adds to the stored text
//   deep           thrown 3000 calls deep (the report keeps the first 1024 recorded frames)
//   live-alloc [N] N (default 300) threads allocating without pause; prints "READY <pid>" once
//                  all run, then waits forever
// Every method named by the tests is [NoInlining] so that it keeps its own frame.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;

namespace Ddcrash.ExcApp
{
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            string mode = args.Length > 0 ? args[0] : "";
            switch (mode)
            {
                case "async-main": await Orders.Level1(42); return 1;
                case "whenall": Faults.Both(); return 1;
                case "argrange": Ranges.Slice(new int[3], 2, 5); return 1;
                case "rethrow": Rethrow.Outer(); return 1;
                case "edi": Dispatch.Outer(); return 1;
                case "linq": Lookup.Run(); return 1;
                case "finalizer": Finalizable.Run(); return 1;
                case "servergc": Allocators.ThrowWhileAllocating(); return 1;
                case "disposed": Messages.Disposed(); return 1;
                case "filenotfound": Messages.MissingFile(); return 1;
                case "typeload": Messages.MissingType(); return 1;
                case "badimage": Messages.BadImage(); return 1;
                case "argnull": Messages.NullArgument(null); return 1;
                case "deep": Deep.Recurse(3000); return 1;
                case "live-alloc":
                    int n = 300;
                    if (args.Length > 1 && (!int.TryParse(args[1], out n) || n < 1))
                    {
                        Console.Error.WriteLine("live-alloc: bad thread count: " + args[1]);
                        return 2;
                    }
                    Allocators.RunLive(n);
                    return 0;
                default:
                    Console.Error.WriteLine("unknown mode: " + mode);
                    return 2;
            }
        }
    }

    public static class Orders
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static async Task Level1(int id) => await Level2(id);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static async Task Level2(int id)
        {
            await Level3(id);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static async Task Level3(int id)
        {
            await Task.Yield();  // from here on a thread-pool thread: the throw site is on no stack
            Validate(id);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Validate(int id)
        {
            try
            {
                int.Parse("forty-two");
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException("ddcrash exc: order " + id + " invalid", e);
            }
        }
    }

    public static class Faults
    {
        // Both end before WhenAll sees them, so that it lists them in this order on every version.
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Both()
        {
            Task a = Task.Run(() => First());
            Task b = Task.Run(() => Second("len"));
            ((IAsyncResult)a).AsyncWaitHandle.WaitOne();
            ((IAsyncResult)b).AsyncWaitHandle.WaitOne();
            Task.WhenAll(a, b).Wait();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void First() => throw new InvalidOperationException("ddcrash exc: first fault");

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Second(string name) =>
            throw new ArgumentException("ddcrash exc: second fault", name);
    }

    public static class Ranges
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int[] Slice(int[] items, int start, int len)
        {
            if (start + len > items.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(len), len, "ddcrash exc: slice past the end");
            }
            return items[start..(start + len)];
        }
    }

    public static class Rethrow
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Outer()
        {
            try
            {
                Inner();
            }
            catch (InvalidOperationException)
            {
                throw;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Inner() => throw new InvalidOperationException("ddcrash exc: rethrown");
    }

    public static class Dispatch
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Outer()
        {
            ExceptionDispatchInfo? captured = null;
            try
            {
                Inner();
            }
            catch (Exception e)
            {
                captured = ExceptionDispatchInfo.Capture(e);
            }
            Later(captured!);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Inner() => throw new InvalidOperationException("ddcrash exc: dispatched");

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Later(ExceptionDispatchInfo captured) => captured.Throw();
    }

    public static class Lookup
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static List<string> Run() =>
            new[] { 1, 2, 3 }.Select(x => Repo<string>.Find<int>(x)).ToList();
    }

    public static class Repo<T>
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static string Find<TKey>(TKey key)
        {
            if (key is int i && i == 2) throw new KeyNotFoundException("ddcrash exc: no key " + key);
            return typeof(T).Name + key;
        }
    }

    public sealed class Finalizable
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run()
        {
            Make();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(Timeout.Infinite);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Make() => new Finalizable();

        ~Finalizable() => Fail();

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Fail() => throw new InvalidOperationException("ddcrash exc: finalizer");
    }

    public static class Allocators
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void ThrowWhileAllocating()
        {
            var started = new CountdownEvent(4);
            for (int n = 1; n <= 4; n++)
            {
                int seed = n;
                new Thread(() => Run(seed, started)) { Name = "ddcrash-alloc-" + n, IsBackground = true }.Start();
            }
            started.Wait();
            Thread.Sleep(300);
            Throw();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Throw() => throw new InvalidOperationException("ddcrash exc: crash under server GC");

        public static void RunLive(int count)
        {
            var started = new CountdownEvent(count);
            for (int n = 1; n <= count; n++)
            {
                int seed = n;
                new Thread(() => Run(seed, started)) { Name = "ddcrash-al-" + n, IsBackground = true }.Start();
            }
            started.Wait();
            Console.WriteLine("READY " + Environment.ProcessId);
            Console.Out.Flush();
            Thread.Sleep(Timeout.Infinite);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run(int seed, CountdownEvent started)
        {
            var rng = new Random(seed);
            var keep = new List<object>();
            started.Signal();
            for (long i = 0; ; i++) Churn(rng, keep, i);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Churn(Random rng, List<object> keep, long i)
        {
            object o = (i % 3) switch
            {
                0 => new byte[rng.Next(16, 4096)],
                1 => new List<int>(rng.Next(1, 64)),
                _ => new string('x', rng.Next(1, 256)),
            };
            if (keep.Count < 256) keep.Add(o); else keep[(int)(i % 256)] = o;
        }
    }

    public static class Deep
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Recurse(int depth)
        {
            if (depth == 0) throw new InvalidOperationException("ddcrash exc: deep");
            return Recurse(depth - 1) + 1;
        }
    }

    public static class Messages
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Disposed() => throw new ObjectDisposedException("Widget");

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void MissingFile() => File.OpenRead("/proc/self/ddcrash-exc-missing").Dispose();

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void MissingType() => Type.GetType("Ddcrash.ExcApp.NoSuchType, Ddcrash.ExcApp", true);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void BadImage() => Assembly.Load(new byte[] { 1, 2, 3, 4 });

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void NullArgument(object? widget)
        {
            if (widget == null) throw new ArgumentNullException(nameof(widget));
        }
    }
}
