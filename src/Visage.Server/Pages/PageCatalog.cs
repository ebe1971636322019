using Visage.Server.Access;

namespace Visage.Server.Pages;

/// <summary>A page a person can open from the home page, with the permission it requires.</summary>
internal sealed record PageLink(string Path, string Title, string Permission);

/// <summary>The pages that exist, so the home page links only to those a role may open.</summary>
internal static class PageCatalog
{
    public static IReadOnlyList<PageLink> All { get; } =
    [
        new(PageRoutes.SignOut, "Sign out", Permissions.Self),
        new(PageRoutes.Kiosk, "Kiosk check-in", Permissions.CheckIn),
        new(PageRoutes.PatientRegistration, "Register a patient", Permissions.SubjectsRegister),
        new(PageRoutes.Consent, "Consent", Permissions.ConsentRecord),
        new(PageRoutes.Enrolment, "Enrol a face", Permissions.Enrol),
        new(PageRoutes.Audit, "Audit log", Permissions.AuditRead),
        new(PageRoutes.Purposes, "Purposes", Permissions.PurposesDecide),
        new(PageRoutes.AccessReview, "Access review", Permissions.AccessReview),
        new(PageRoutes.ApiKeys, "Device and integration keys", Permissions.ApiKeysManage),
        new(PageRoutes.Drift, "Drift", Permissions.DriftRead),
        new(PageRoutes.Review, "Review queue", Permissions.ReviewRead),
        new(PageRoutes.ReviewReport, "Override report", Permissions.ReviewReport),
        new(PageRoutes.ReviewAppeal, "Appeals", Permissions.ReviewAppeal),
        new(PageRoutes.Emergency, "Emergency identification", Permissions.EmergencyIdentify),
    ];

    /// <summary>For each of <paramref name="roles"/>: what it allows, in plain words, with the page that does it where one exists.</summary>
    public static IReadOnlyList<RoleAbilities> For(IEnumerable<string> roles) =>
        roles.Select(role => new RoleAbilities(
                role,
                RoleNames.Of(role),
                RoleNames.HeldBy(role).Select(p => new Ability(RoleNames.Describe(p), All.FirstOrDefault(l => l.Permission == p)?.Path)).ToList()))
            .ToList();
}

/// <summary>One role's abilities as the home page lists them.</summary>
internal sealed record RoleAbilities(string Role, string Name, IReadOnlyList<Ability> Abilities);

/// <summary>One thing a role allows, and the page for it (null: through the API for now).</summary>
internal sealed record Ability(string Description, string? Path);
