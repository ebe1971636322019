using Visage.Face;

namespace Visage.Cli.Tests;

/// <summary>A workflow refusal's kind decides the exit code (bad input 2, not found 9, not permitted 15) and its reason code is printed.</summary>
public sealed class WorkflowRefusalTests : IDisposable
{
    private static readonly string Data = SharedDataLocator.Find();
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-refusals-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task Refusals_NoFaceUnknownSubjectUnapprovedPurpose_Exit2And9And15WithTheirReasonCodes()
    {
        // Check-in is approved (so its refusals come from the face and the subject); step-up is not.
        Guid patient;
        await using (var setup = new WorkflowHost(directory.FullName))
        {
            patient = (await setup.ConsentedPatientsAsync(1))[0];
        }

        var unknown = Guid.NewGuid().ToString();
        var face = Path.Combine(Data, "faces", "deepface", "img1.jpg");

        var noFace = await RunAsync("checkin", Path.Combine(Data, "faces", "singles", "no_face_IceBlockNearJoekullsarlon.jpg"), "--claimed", patient.ToString());
        var unknownSubject = await RunAsync("checkin", face, "--claimed", unknown);
        var unapproved = await RunAsync("verify", unknown, face, "--second-factor", "badge");

        Assert.True(noFace.ExitCode == 2, noFace.Output);
        Assert.Contains("(reason: no-face)", CliOutput.Unwrapped(noFace.Output), StringComparison.Ordinal);
        Assert.True(unknownSubject.ExitCode == 9, unknownSubject.Output);
        Assert.Contains("(reason: unknown-subject)", CliOutput.Unwrapped(unknownSubject.Output), StringComparison.Ordinal);
        Assert.True(unapproved.ExitCode == 15, unapproved.Output);
        Assert.Contains("(reason: purpose-not-approved)", CliOutput.Unwrapped(unapproved.Output), StringComparison.Ordinal);
        Assert.All(new[] { noFace.Output, unknownSubject.Output, unapproved.Output }, o => Assert.False(CliOutput.HasStackTrace(o), o));
    }

    private Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) => VisageProcess.RunAsync(directory.FullName, arguments);
}
