using System.Text.RegularExpressions;

namespace Visage.Cli.Tests;

/// <summary><c>visage models reenrolment</c>: the subjects whose every template another model made are listed, by opaque id only, and reading the list is audited.</summary>
public sealed class ModelReenrolmentCommandTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("visage-model-reenrolment-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task ListsOnlySubjectsWithoutATemplateOfTheEnginesModel()
    {
        IReadOnlyList<Guid> ids;
        await using (var setup = new WorkflowHost(directory.FullName))
        {
            ids = await setup.ConsentedPatientsAsync(3);
            await setup.StoreTemplateAsync(ids[0], "retired-embedder@1.0.0#0123456789ab");
            await setup.StoreTemplateAsync(ids[1], null);
            await setup.StoreTemplateAsync(ids[2], "retired-embedder@1.0.0#0123456789ab");
            await setup.StoreTemplateAsync(ids[2], null);
        }

        var (exitCode, output) = await VisageProcess.RunAsync(directory.FullName, "models", "reenrolment");

        Assert.True(exitCode == 0, output);
        var text = CliOutput.Unwrapped(output);
        Assert.Contains(ids[0].ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(ids[1].ToString(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(ids[2].ToString(), text, StringComparison.Ordinal);
        Assert.Contains("1 x retired-embedder@1.0.0#0123456789ab", text, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"engine model \S+: 2 subjects current, 1 to re-enrol"), text);
        Assert.Equal(("success", "1 subjects to re-enrol; 2 current"), await LastRecordAsync());
    }

    private async Task<(string Outcome, string Reason)> LastRecordAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(directory.FullName, "visage.db")};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT outcome, reason FROM audit_records WHERE action = 'model.reenrolment-list' ORDER BY sequence DESC LIMIT 1;";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetString(1));
    }
}
