// Modes (argv[0]):
//   live            two named worker threads parked in Ddcrash.Shapes.Parker.Park; prints
//                   "READY <pid>" and sleeps until killed
//   crash-worker    an unhandled InvalidOperationException on a worker thread
//   crash-native    a native null write through P/Invoke (memset on address 0)
//   nullref-caught  a NullReferenceException from a hardware fault, caught; exits 0
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Ddcrash.Shapes
{
    public static class Parker
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Park(ManualResetEventSlim parked)
        {
            parked.Set();
            Thread.Sleep(Timeout.Infinite);
        }
    }

    public static class Crasher
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Throw() =>
            throw new InvalidOperationException("ddcrash shapes: worker fault");

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void OnWorker()
        {
            var t = new Thread(Throw) { Name = "shapes-crasher" };
            t.Start();
            t.Join();
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static int Length(string? s) => s!.Length;
    }

    public static class Native
    {
        [DllImport("libc", EntryPoint = "memset")]
        private static extern IntPtr Memset(IntPtr dest, int c, UIntPtr count);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void NullWrite() => Memset(IntPtr.Zero, 1, (UIntPtr)64);
    }

    public static class Program
    {
        public static int Main(string[] args)
        {
            switch (args.Length > 0 ? args[0] : "")
            {
                case "live":
                    for (int i = 0; i < 2; i++)
                    {
                        var parked = new ManualResetEventSlim();
                        new Thread(() => Parker.Park(parked)) { Name = "shapes-worker", IsBackground = true }.Start();
                        parked.Wait();
                    }
                    Console.WriteLine("READY " + Environment.ProcessId);
                    Console.Out.Flush();
                    Thread.Sleep(Timeout.Infinite);
                    return 0;
                case "crash-worker":
                    Crasher.OnWorker();
                    return 1;
                case "crash-native":
                    Native.NullWrite();
                    return 1;
                case "nullref-caught":
                    try
                    {
                        Crasher.Length(null);
                    }
                    catch (NullReferenceException)
                    {
                        Console.WriteLine("caught");
                        return 0;
                    }
                    return 1;
                default:
                    Console.Error.WriteLine("usage: Ddcrash.Shapes live|crash-worker|crash-native|nullref-caught");
                    return 2;
            }
        }
    }
}
