namespace ClipSurgeryWeb.Web.Auth;

public static class Roles
{
    public const string Admin = "Admin";

    /// <summary>A remote Hangfire worker presenting the shared worker key; may only publish live updates.</summary>
    public const string Worker = "Worker";

    /// <summary>Authorization policy name for admin-only pages and the Hangfire dashboard.</summary>
    public const string AdminPolicy = "admin";
}
