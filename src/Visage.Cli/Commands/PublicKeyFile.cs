using System.CommandLine;
using System.Text;
using Visage.Audit;

namespace Visage.Cli.Commands;

/// <summary>A <c>--public-key</c> PEM file (as <c>visage keys export-public</c> writes it), read with a cap so a device or a huge file is refused.</summary>
internal static class PublicKeyFile
{
    public static Option<FileInfo?> Option(string description) => new("--public-key") { Description = description };

    /// <summary>The key's DER SubjectPublicKeyInfo, or null without a file.</summary>
    /// <exception cref="PublicKeyFileException">Not a PEM EC public key, or larger than one can be.</exception>
    public static async Task<byte[]?> ReadAsync(FileInfo? file, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return null;
        }

        var limit = AuditPublicKey.MaxPemLength;
        await using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read);
        var buffer = new byte[limit + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        try
        {
            return total > limit
                ? throw new FormatException($"larger than {limit:N0} bytes, so not a PEM public key.")
                : AuditPublicKey.FromPem(Encoding.ASCII.GetString(buffer, 0, total));
        }
        catch (FormatException ex)
        {
            throw new PublicKeyFileException($"--public-key {file.FullName}: {ex.Message}", ex);
        }
    }
}

/// <summary>The <c>--public-key</c> file is not a PEM EC public key.</summary>
internal sealed class PublicKeyFileException(string message, Exception innerException) : Exception(message, innerException);
