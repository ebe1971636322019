using Microsoft.Extensions.DependencyInjection;
using Visage.Audit;
using Visage.Cli.Commands;
using Visage.Deid;
using Visage.Face;
using Visage.Storage;
using Visage.Workflows;

namespace Visage.Cli;

/// <summary>The libraries every Visage process composes, in one place: the CLI's host and the server <c>visage serve</c> starts.</summary>
internal static class LibraryRegistrations
{
    /// <param name="longRunning">A server loads the gallery at start and runs retention and the drift check on timers; a command does neither.</param>
    public static IServiceCollection AddVisageLibraries(this IServiceCollection services, bool longRunning)
    {
        services.AddFaceEngine("Face");
        services.AddProtectedStore("Storage", loadGalleryAtStart: longRunning);
        services.AddAuditLog("Audit");
        services.AddDeidentification(DeidCommand.Worker);
        services.AddWorkflows(longRunning);
        return services;
    }
}
