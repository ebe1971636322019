using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Visage.Protection;
using Visage.Storage;

namespace Visage.Server.Hosting;

/// <summary>
/// The certificate the server presents: the configured PKCS#12 file, or a self-signed ECDSA P-256 certificate for
/// localhost made on first run into the data directory (0600, like the key file) and reused until it nears expiry.
/// Clients pin it or a site replaces it with one from its own CA (docs/operations.md).
/// </summary>
public sealed class ServerCertificate(IOptions<ServerOptions> server, IOptions<StorageOptions> storage, TimeProvider time) : IDisposable
{
    public const string FileName = "server.pfx";
    private static readonly TimeSpan Validity = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);
    private readonly Lazy<X509Certificate2> loaded = new(() => Load(server.Value, storage.Value.ResolveDataDirectory(), time));

    /// <summary>The certificate served, loaded (or made) on first use.</summary>
    public X509Certificate2 Certificate => loaded.Value;

    /// <summary>SHA-256 of the certificate, lower-case hex: what a client pins.</summary>
    public string Sha256Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Certificate.RawData));

    public void Dispose()
    {
        if (loaded.IsValueCreated)
        {
            loaded.Value.Dispose();
        }
    }

    internal static X509Certificate2 Load(ServerOptions options, string dataDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CertificateFile is { Length: > 0 } configured)
        {
            return X509CertificateLoader.LoadPkcs12FromFile(configured, options.CertificatePassword);
        }

        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, null);
            if (existing.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime > RenewBefore)
            {
                return existing;
            }

            existing.Dispose();
        }

        OwnerOnlyFiles.CreateDirectory(dataDirectory);
        using var created = CreateSelfSigned(time.GetUtcNow());
        var pfx = created.Export(X509ContentType.Pkcs12);
        var temporary = path + ".new";
        using (var stream = OwnerOnlyFiles.OpenForWriting(temporary, FileMode.Create))
        {
            stream.Write(pfx);
        }

        File.Move(temporary, path, overwrite: true);
        return X509CertificateLoader.LoadPkcs12(pfx, null);
    }

    private static X509Certificate2 CreateSelfSigned(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Visage self-signed (replace with your CA's)", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(now.AddMinutes(-5), now + Validity);
    }
}
