using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;
using Visage.Cli;
using Visage.Cli.Commands;
using Visage.Face;
using Visage.Storage;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    ContentRootPath = AppContext.BaseDirectory,
    DisableDefaults = false,
});
builder.Configuration.AddEnvironmentVariables("VISAGE_");
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddFaceEngine("Face");
builder.Services.AddOptions<StorageOptions>()
    .BindConfiguration("Storage")
    .Validate(o => !o.Validate().Any(), "Storage settings are invalid; run a storage command to see which.")
    .ValidateOnStart();

// Reports piped to a file keep their full table width.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 200;
}

using var host = builder.Build();
try
{
    // Options are validated here, before any command runs, as a server host would at start.
    host.Services.GetRequiredService<IStartupValidator>().Validate();
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"error: invalid configuration: {string.Join("; ", ex.Failures)}");
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
    DeidCommand.Create(host.Services, Deidentifiers.Create, Deidentifiers.CreateInProcess),
};
return await root.Parse(args).InvokeAsync();
