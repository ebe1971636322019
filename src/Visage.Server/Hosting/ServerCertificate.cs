using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Visage.Protection;

namespace Visage.Server.Hosting;

/// <summary>
/// The certificate the server presents: the configured PKCS#12 file, or a self-signed ECDSA P-256 certificate for
/// localhost made on first run into the data directory (0600, like the key file) and reused until it nears expiry.
/// Clients pin it or a site replaces it with one from its own CA (docs/operations.md).
/// </summary>
internal static class ServerCertificate
{
    public const string FileName = "server.pfx";
    private static readonly TimeSpan Validity = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    public static X509Certificate2 Load(ServerOptions options, string dataDirectory, TimeProvider time)
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
