using System.Diagnostics;

namespace Visage.Server.EndToEndTests.Browser;

/// <summary>
/// Chromium's fake camera fed by a real face: FFmpeg turns a photograph into a short .y4m video (written to a temporary
/// folder, never to the repository), which Chromium plays in a loop as the camera's picture.
/// </summary>
internal static class FakeCamera
{
    /// <summary>A one-second 640x480 video of <paramref name="photo"/> (letterboxed, not stretched) in <paramref name="directory"/>.</summary>
    public static async Task<string> VideoOfAsync(string photo, string directory)
    {
        var video = Path.Combine(directory, Path.GetFileNameWithoutExtension(photo) + ".y4m");
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-y", "-loglevel", "error", "-loop", "1", "-i", photo, "-t", "1", "-r", "10", "-vf", "scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:(ow-iw)/2:(oh-ih)/2,format=yuv420p", video })
        {
            start.ArgumentList.Add(argument);
        }

        using var ffmpeg = Process.Start(start)!;
        var errors = await ffmpeg.StandardError.ReadToEndAsync();
        await ffmpeg.WaitForExitAsync();
        Assert.True(ffmpeg.ExitCode == 0, errors);
        return video;
    }

    /// <summary>The flags that give Chromium a camera playing <paramref name="video"/>, allowed without asking.</summary>
    public static IReadOnlyList<string> Arguments(string video) =>
        ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--use-file-for-fake-video-capture=" + video];
}
