using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Visage.Gallery;
using Visage.Server.Access;
using Visage.Server.Identity;

namespace Visage.Server.Pages.Officers;

/// <summary>
/// The administrator's device and integration keys: the same handlers as <c>/api/v1/api-keys</c>. A new key's token is
/// shown once, on the answer to the form that made it, and never again (only its hash is stored).
/// </summary>
[PagePermission(Permissions.ApiKeysManage, "apikey.create")]
internal sealed class ApiKeysModel(ApiKeys keys) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string Role { get; set; } = Roles.Kiosk;

    [BindProperty]
    public List<string> Purposes { get; set; } = [];

    [BindProperty]
    public int Days { get; set; } = 90;

    [BindProperty]
    public string? KeyId { get; set; }

    public IReadOnlyList<ApiKeyView> Keys { get; private set; } = [];

    public ApiKeyCreated? Created { get; private set; }

    public string? Revoked { get; private set; }

    public string? Error { get; private set; }

    public static IReadOnlyList<string> PurposeCodesOffered { get; } = PurposeCodes.Recognition.Select(p => p.ToCode()).ToList();

    public async Task OnGetAsync(CancellationToken cancellationToken) => await ListAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        try
        {
            Created = (await IdentityApi.CreateKeyAsync(new NewApiKeyRequest(Name?.Trim() ?? string.Empty, [Role], Purposes, Days), keys, HttpContext, cancellationToken)).Value;
        }
        catch (IdentityRefusedException refused)
        {
            Error = refused.Message;
        }

        await ListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken cancellationToken)
    {
        try
        {
            Revoked = (await IdentityApi.RevokeKeyAsync(KeyId ?? string.Empty, keys, HttpContext, cancellationToken)).Value!.Name;
        }
        catch (IdentityRefusedException refused)
        {
            Error = refused.Message;
        }

        await ListAsync(cancellationToken);
        return Page();
    }

    private async Task ListAsync(CancellationToken cancellationToken) => Keys = (await IdentityApi.ListKeysAsync(keys, cancellationToken)).Value!;
}
