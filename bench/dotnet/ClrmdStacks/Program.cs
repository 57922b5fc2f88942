// ClrMD peer for bench/dotnet: `ClrmdStacks PID` attaches to the live process with every
// thread suspended, walks every managed thread's stack and names each frame's method, the
// way a ClrMD-based crash tracker does. Prints "threads=T frames=F named=N" and, with
// --print, one "tid<TAB>frame" line per frame (for the smoke test). Exit 0 on success.
using System;
using System.IO;
using System.Linq;
using Microsoft.Diagnostics.Runtime;

public static class ClrmdStacks
{
    public static int Main(string[] args)
    {
        if (args.Length < 1 || !int.TryParse(args[0], out int pid))
        {
            Console.Error.WriteLine("usage: ClrmdStacks PID [--print]");
            return 2;
        }
        bool print = args.Contains("--print");
        using DataTarget target = DataTarget.AttachToProcess(pid, suspend: true);
        if (target.ClrVersions.Length == 0)
        {
            Console.Error.WriteLine("no .NET runtime in process " + pid);
            return 1;
        }
        // The DAC beside the target's libcoreclr.so, i.e. the matching one. ClrMD's own lookup
        // fails on these apps: it reads the runtime's version as 0.0 and then refuses the DAC
        // as mismatched, so its version check is skipped.
        ClrInfo clr = target.ClrVersions[0];
        string dac = Path.Combine(Path.GetDirectoryName(clr.ModuleInfo.FileName) ?? ".",
                                  "libmscordaccore.so");
        using ClrRuntime runtime = clr.CreateRuntime(dac, ignoreMismatch: true);
        int threads = 0, frames = 0, named = 0;
        foreach (ClrThread thread in runtime.Threads)
        {
            if (!thread.IsAlive) continue;
            threads++;
            foreach (ClrStackFrame frame in thread.EnumerateStackTrace())
            {
                frames++;
                string? name = frame.Method?.Signature ?? frame.FrameName;
                if (frame.Method != null) named++;
                if (print) Console.WriteLine(thread.OSThreadId + "\t" + (name ?? "?"));
            }
        }
        Console.WriteLine($"threads={threads} frames={frames} named={named}");
        return named > 0 ? 0 : 1;
    }
}
