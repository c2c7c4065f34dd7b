namespace ClipSurgeryWeb.Web.Services;

public sealed record MemberView(string Id, string Email, bool IsAdmin, bool HasPassword, DateTime CreatedAt);
