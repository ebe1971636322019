using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Visage.Audit;
using Visage.Cli;
using Visage.Cli.Commands;
using Visage.Deid;
using Visage.Face;
using Visage.Storage;
using Visage.Workflows;

try
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
    {
        ContentRootPath = AppContext.BaseDirectory,
        DisableDefaults = false,
    });
    builder.Configuration.AddEnvironmentVariables("VISAGE_");

    // Values the binder cannot convert would throw from deep inside the host; name them with what they accept instead.
    var unbindable = ConfigurationCheck.Problems(builder.Configuration, "Face", typeof(FaceEngineOptions))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, "Storage", typeof(StorageOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, "Audit", typeof(AuditChainOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, "Deid", typeof(DeidOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, "Server", typeof(Visage.Server.Hosting.ServerOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, "Server:Identity", typeof(Visage.Server.Identity.IdentityOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, WorkflowServiceCollectionExtensions.RecognitionSection, typeof(Visage.Workflows.Recognition.RecognitionOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, WorkflowServiceCollectionExtensions.RetentionSection, typeof(Visage.Workflows.Retention.RetentionOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, WorkflowServiceCollectionExtensions.ActiveLivenessSection, typeof(Visage.Workflows.ActiveLiveness.ActiveLivenessOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, WorkflowServiceCollectionExtensions.DriftSection, typeof(Visage.Workflows.Drift.DriftOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, "Models", typeof(Visage.Workflows.Models.ModelApprovalOptions)))
        .Concat(ConfigurationCheck.Problems(builder.Configuration, "Models:Gates", typeof(Visage.Workflows.Models.PromotionGateOptions)))
        .ToList();
    if (unbindable.Count > 0)
    {
        await Console.Error.WriteLineAsync($"error: invalid configuration: {string.Join(" ", unbindable)}");
        return ExitCodes.Configuration;
    }

    builder.Logging.ClearProviders();
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    // The same registrations a server makes; the CLI opens the store and the audit log only for commands that use them
    // (through their lifetimes, never per command), and the host disposes them in order at exit.
    builder.Services.AddVisageLibraries(longRunning: false);

    // Reports piped to a file keep their full table width.
    if (Console.IsOutputRedirected)
    {
        AnsiConsole.Profile.Width = 200;
    }

    var host = builder.Build();
    // The store and the audit chain are IAsyncDisposable only (the chain signs its last checkpoint on the way out).
    await using var disposal = (IAsyncDisposable)host;
    try
    {
        // Options are validated here, before any command runs, as a server host would at start.
        host.Services.GetRequiredService<IStartupValidator>().Validate();
    }
    catch (OptionsValidationException ex)
    {
        await Console.Error.WriteLineAsync($"error: invalid configuration: {string.Join(" ", ex.Failures)}");
        return ExitCodes.Configuration;
    }

    var root = new RootCommand("Visage: privacy-first face recognition for healthcare.")
    {
        ModelsCommand.Create(host.Services),
        DetectCommand.Create(host.Services),
        CompareCommand.Create(host.Services),
        EvalCommand.Create(host.Services),
        DbCommand.Create(host.Services),
        KeysCommand.Create(host.Services),
        SubjectsCommand.Create(host.Services),
        TemplatesCommand.Create(host.Services),
        AuditCommand.Create(host.Services),
        PurposesCommand.Create(host.Services),
        ConsentCommand.Create(host.Services),
        EnrolCommand.Create(host.Services),
        CheckInCommand.Create(host.Services),
        IdentifyCommand.Create(host.Services),
        VerifyCommand.Create(host.Services),
        VerifyCommand.ConfirmPatient(host.Services),
        ReviewCommand.Create(host.Services),
        RetentionCommand.Create(host.Services),
        DriftCommand.Create(host.Services),
        DeidCommand.Create(host.Services),
        ServeCommand.Create(),
    };
    root.Options.Add(ActorOption.Option);
    var parse = root.Parse(args);
    return parse.Errors.Count > 0 ? ParseErrors.Report(parse, args) : await parse.InvokeAsync();
}
catch (Exception ex)
{
    return CommandErrors.Unexpected(ex);
}
