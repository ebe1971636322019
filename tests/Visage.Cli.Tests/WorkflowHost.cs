using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Visage.Audit;
using Visage.Deid;
using Visage.Face;
using Visage.Gallery;
using Visage.Storage;
using Visage.Workflows;
using Visage.Workflows.Consent;
using Visage.Workflows.People;
using Visage.Workflows.PurposeApprovals;

namespace Visage.Cli.Tests;

/// <summary>
/// The services the CLI composes, in the test process, to register many consented people in a second rather than two
/// CLI starts each. Disposed before the CLI runs: one process writes the audit log at a time.
/// </summary>
internal sealed class WorkflowHost : IAsyncDisposable
{
    private static readonly AuditActor Actor = new("test-setup", "host-operator");
    private readonly IHost host;

    public WorkflowHost(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = dataDirectory });
        builder.Services.AddProtectedStore("Storage");
        builder.Services.AddAuditLog("Audit");
        builder.Services.AddFaceEngine("Face");
        // The audit log screens reasons for PHI with the de-identification library's detector, as in the CLI.
        builder.Services.AddDeidentification(new DeidWorkerCommand(["deid", "worker"]));
        builder.Services.AddWorkflows();
        host = builder.Build();
    }

    /// <summary>A notice, the check-in approval, and <paramref name="count"/> patients consented to check-in.</summary>
    public async Task<IReadOnlyList<Guid>> ConsentedPatientsAsync(int count)
    {
        var notice = await host.Services.GetRequiredService<ConsentNotices>().AddAsync(Actor, "Visage checks you in by face; you may say no.", "en");
        await host.Services.GetRequiredService<PurposeRegistry>().ApproveAsync(Actor, Purposes.CheckIn, "DPIA-TEST-1");
        var people = host.Services.GetRequiredService<PersonRegistry>();
        var consents = host.Services.GetRequiredService<ConsentRegistry>();
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            var person = await people.AddAsync(Actor, PersonKind.Patient, new PersonDetails());
            await consents.GrantAsync(Actor, person.Id, new ConsentGrant(notice.Version, Purposes.CheckIn, ConsentMethod.KioskSignature, ConsentGiver.Patient));
            ids.Add(person.Id);
        }

        return ids;
    }

    /// <summary>Stores one template (a random unit vector) for <paramref name="subject"/> as if <paramref name="modelVersion"/> made it (null: the engine's model).</summary>
    public async Task StoreTemplateAsync(Guid subject, string? modelVersion)
    {
        var vector = new float[FaceGallery.Dimension];
        var random = new Random(subject.GetHashCode());
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)(random.NextDouble() - 0.5);
        }

        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        var model = modelVersion ?? host.Services.GetRequiredService<Visage.Workflows.Recognition.CaptureInspector>().ModelVersion;
        await host.Services.GetRequiredService<ProtectedStoreLifetime>().EnrolAsync(subject, vector.Select(v => v / norm).ToArray(), Purposes.CheckIn, model);
    }

    public async ValueTask DisposeAsync()
    {
        if (host is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
        else
        {
            host.Dispose();
        }
    }
}
