using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Visage.Deid.Batch;

/// <summary>
/// Ties a de-identification worker process to the batch that started it, so a killed batch leaves no worker behind
/// that could go on writing: Linux sends the worker SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG), and a
/// watch thread also kills it when it finds itself re-parented (a parent that died before the prctl, or a kernel
/// without it). The worker also creates files 0600 and folders 0700 whatever the umask it inherited.
/// </summary>
internal static partial class ParentLifetime
{
    private const int SetParentDeathSignal = 1; // PR_SET_PDEATHSIG
    private const int KillSignal = 9; // SIGKILL
    private const uint GroupAndOthers = 0x3F; // umask 077
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(100);
    private static int expectedParent;

    /// <summary>False once the process that started this one is gone (always true off Linux, where nothing is tied).</summary>
    public static bool ParentAlive => !OperatingSystem.IsLinux() || expectedParent == 0 || GetParentProcessId() == expectedParent;

    /// <summary>Call first thing in the worker, with the parent's process id as the parent sent it.</summary>
    public static void TieTo(int parentProcessId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _ = SetUmask(GroupAndOthers);
        expectedParent = parentProcessId;
        _ = Prctl(SetParentDeathSignal, KillSignal, 0, 0, 0);

        // The parent may have died before the prctl took effect: then no signal will ever come.
        if (!ParentAlive)
        {
            KillSelf();
        }

        var watch = new Thread(Watch) { IsBackground = true, Name = "parent watch" };
        watch.Start();
    }

    private static void Watch()
    {
        while (ParentAlive)
        {
            Thread.Sleep(WatchInterval);
        }

        KillSelf();
    }

    /// <summary>Immediately, without running any more managed code that could write.</summary>
    public static void KillSelf()
    {
        using var self = Process.GetCurrentProcess();
        self.Kill();
    }

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint SetUmask(uint mask);
}
