using System.ComponentModel.DataAnnotations;

namespace Visage.Server.Identity;

/// <summary>Sign-in, session and credential rules (section <c>Server:Identity</c>).</summary>
public sealed class IdentityOptions
{
    /// <summary>A session unused this long ends (HIPAA automatic logoff); 15 minutes by default.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "08:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session ends this long after sign-in however busy it is.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "24:00:00")]
    public TimeSpan MaxSessionAge { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a setup link (first administrator, or a new account) may be used.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan SetupLinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Failed sign-ins before the account locks; each further failure doubles the lock, from one minute.</summary>
    [Range(3, 20)]
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>The longest an API key may live.</summary>
    [Range(1, 730)]
    public int MaxApiKeyDays { get; set; } = 365;

    /// <summary>The longest a just-in-time elevation may last.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "24:00:00")]
    public TimeSpan MaxElevation { get; set; } = TimeSpan.FromHours(8);
}
