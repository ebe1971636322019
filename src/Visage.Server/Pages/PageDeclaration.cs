using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Visage.Gallery;
using Visage.Server.Endpoints;

namespace Visage.Server.Pages;

/// <summary>
/// A page's declaration, as an API endpoint's beside its route: the permission it requires and the audit action it
/// records. The access gate decides a page by the same matrix as the API.
/// </summary>
/// <param name="purpose">For a page that recognises faces: an API key scoped to other purposes is refused there.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class PagePermissionAttribute(string permission, string auditAction, Purposes purpose = Purposes.None) : Attribute
{
    public EndpointDeclaration Declaration { get; } = new(permission, auditAction, null, purpose);
}

/// <summary>A page anyone may open (signing in, redeeming a setup link); <paramref name="because"/> says why.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class AnonymousPageAttribute(string because) : Attribute
{
    public EndpointDeclaration Declaration { get; } = new(null, null, because);
}

/// <summary>
/// Marks an endpoint as a page a person reads: the access gate answers its refusals by sending the browser to the
/// sign-in or refusal page instead of a problem body, and checks its forms by the built-in antiforgery token.
/// </summary>
internal sealed class BrowserPage
{
    public static readonly BrowserPage Instance = new();

    private BrowserPage()
    {
    }
}

/// <summary>
/// Turns each page model's declaration attribute into the endpoint's <see cref="EndpointDeclaration"/>; a page without
/// one gets none, and the start-up check refuses it like an undeclared API endpoint.
/// </summary>
internal sealed class PageDeclarationConvention : IPageApplicationModelConvention
{
    public void Apply(PageApplicationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.EndpointMetadata.Add(BrowserPage.Instance);
        var declaration = model.HandlerTypeAttributes.OfType<PagePermissionAttribute>().Select(a => a.Declaration)
            .Concat(model.HandlerTypeAttributes.OfType<AnonymousPageAttribute>().Select(a => a.Declaration))
            .SingleOrDefault();
        if (declaration is not null)
        {
            model.EndpointMetadata.Add(declaration);
        }
    }
}
