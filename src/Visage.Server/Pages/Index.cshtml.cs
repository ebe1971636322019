using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Server.Access;
using Visage.Server.Endpoints;

namespace Visage.Server.Pages;

/// <summary>A signed-in person's home: each of their roles and what it allows, linking the pages that exist.</summary>
[PagePermission(Permissions.Self, EndpointDeclarations.NotAudited)]
internal sealed class HomeModel : PageModel
{
    public IReadOnlyList<RoleAbilities> Roles { get; private set; } = [];

    public void OnGet() => Roles = PageCatalog.For(HttpContext.Caller()!.Roles);
}
