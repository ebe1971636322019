using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace Visage.Server.Pages;

/// <summary>
/// The web pages: Razor Pages compiled into this assembly, their styles and scripts embedded and served at
/// <see cref="PageRoutes.Assets"/> (nothing from another origin), and the built-in antiforgery token on every form.
/// </summary>
internal static class PageHosting
{
    public const string AntiforgeryCookie = "__Host-visage-antiforgery";

    public static IServiceCollection AddVisagePages(this IServiceCollection services)
    {
        services.AddRazorPages(pages => pages.Conventions.Add(new PageDeclarationConvention()))
            // The host's entry assembly (the CLI, or a test runner) is not where the pages are.
            .ConfigureApplicationPartManager(parts =>
            {
                if (!parts.ApplicationParts.Any(p => p.Name == typeof(PageHosting).Assembly.GetName().Name))
                {
                    foreach (var part in Microsoft.AspNetCore.Mvc.ApplicationParts.ApplicationPartFactory.GetApplicationPartFactory(typeof(PageHosting).Assembly).GetApplicationParts(typeof(PageHosting).Assembly))
                    {
                        parts.ApplicationParts.Add(part);
                    }
                }
            });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = AntiforgeryCookie;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.HttpOnly = true;
            // SecurityHeaders sends DENY on every answer already.
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        // Only the antiforgery tokens are protected with these keys; held in memory (never written, so not encrypted), a
        // restart voids forms left open and nothing lies on disk. Several nodes would need a shared key ring.
        services.AddDataProtection();
        services.Configure<KeyManagementOptions>(keys =>
        {
            keys.XmlRepository = new MemoryKeyRepository();
            keys.XmlEncryptor = new NullXmlEncryptor();
        });
        return services;
    }

    /// <summary>Serves the embedded styles and scripts; before credentials are resolved, since they hold nothing.</summary>
    public static WebApplication UseVisagePageAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = PageRoutes.Assets,
            FileProvider = new EmbeddedFileProvider(typeof(PageHosting).Assembly, "Visage.Server.Assets"),
        });
        return app;
    }

    public static IEndpointRouteBuilder MapVisagePages(this IEndpointRouteBuilder routes)
    {
        routes.MapRazorPages();
        return routes;
    }
}
