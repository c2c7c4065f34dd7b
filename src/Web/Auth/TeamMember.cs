using Microsoft.AspNetCore.Identity;

namespace ClipSurgeryWeb.Web.Auth;

/// <summary>A person who may log in. Admins also invite members and see the Hangfire dashboard.</summary>
public sealed class TeamMember : IdentityUser
{
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}
