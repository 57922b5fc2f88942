// The source-lines test app: an unhandled exception on a plain thread started without an
// execution context, so that when the runtime fails fast the throwing frames are still on the
// crashing thread's stack. Its frames cover what maps to the wrong line when a return address
// is taken for the call: a call in tail position, a call followed by another statement, a
// lambda, a generic method, several statements on one line.
//   Ddcrash.LinesApp crash     the crash
//   Ddcrash.LinesApp threads N the crash with N more threads parked (the benchmark)
using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Ddcrash.LinesApp
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            int parked = args.Length > 1 && args[0] == "threads" ? int.Parse(args[1]) : 0;
            Parking.Park(parked);
            var thread = new Thread(Crash.Run) { Name = "ddcrash-lines" };
            thread.UnsafeStart();
            thread.Join();
            return 0;
        }
    }

    public static class Parking
    {
        static readonly ManualResetEventSlim s_never = new ManualResetEventSlim(false);

        public static void Park(int count)
        {
            using var ready = new CountdownEvent(count);
            for (int i = 0; i < count; i++)
            {
                var t = new Thread(() => Wait(ready)) { IsBackground = true };
                t.UnsafeStart();
            }
            ready.Wait();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        static void Wait(CountdownEvent ready)
        {
            ready.Signal();
            s_never.Wait();
        }
    }

    public static class Crash
    {
        static int s_sink;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Run()
        {
            Func<int, int> step = [MethodImpl(MethodImplOptions.NoInlining)] (x) => Generic<long>(x) + 1;
            s_sink = step(2);
            s_sink += 1;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Generic<T>(T value) where T : struct
        {
            int a = value.GetHashCode(); int b = a * 2; int c = Statements(b); return c + a;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Statements(int b)
        {
            int r = Tail(b);
            s_sink = r;
            return r;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Tail(int b)
        {
            return Thrower(b + 1);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        static int Thrower(int n)
        {
#if REBUILT
            s_sink = n;
#endif
            throw new InvalidOperationException("ddcrash lines test " + n);
        }
    }
}
