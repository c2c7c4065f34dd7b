using ClipSurgeryWeb.Data;
using ClipSurgeryWeb.Jobs.Running;
using ClipSurgeryWeb.Web.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ClipSurgeryWeb.Web.Services;

/// <summary>Admins create members with a password, or invite them with a one-time link to set their own.</summary>
public sealed class MemberAdmin(UserManager<TeamMember> users)
{
    public async Task<IReadOnlyList<MemberView>> ListAsync()
    {
        var all = await users.Users.OrderBy(u => u.Email).ToListAsync();
        var admins = (await users.GetUsersInRoleAsync(Roles.Admin)).Select(u => u.Id).ToHashSet();
        return all.Select(u => new MemberView(u.Id, u.Email ?? u.UserName ?? "?", admins.Contains(u.Id), u.PasswordHash is not null, u.CreatedAt))
            .ToList();
    }

    /// <summary>Creates the member; returns the invitation link when no password was given.</summary>
    public async Task<string?> AddAsync(string email, string? password, bool admin, string baseUri)
    {
        email = email.Trim();
        if (string.IsNullOrEmpty(email) || !email.Contains('@'))
            throw new RequestRejectedException("email", $"'{email}' is not an email address");
        if (await users.FindByEmailAsync(email) is not null)
            throw new RequestRejectedException(email, "is already a member");
        var member = new TeamMember { UserName = email, Email = email, EmailConfirmed = true };
        var created = string.IsNullOrEmpty(password) ? await users.CreateAsync(member) : await users.CreateAsync(member, password);
        if (!created.Succeeded)
        {
            // Identity checks the email (and the user name, which is the email) as well as the password: name the field
            // that is wrong, the email first.
            var byField = created.Errors.GroupBy(e => IsAboutTheEmail(e) ? "email" : "password").OrderBy(g => g.Key != "email").First();
            throw new RequestRejectedException(byField.Key, string.Join(" ", byField.Select(e => e.Description)));
        }
        if (admin)
            await users.AddToRoleAsync(member, Roles.Admin);
        if (!string.IsNullOrEmpty(password))
            return null;
        var token = await users.GeneratePasswordResetTokenAsync(member);
        return $"{baseUri.TrimEnd('/')}/account/set-password?email={Uri.EscapeDataString(email)}&token={Uri.EscapeDataString(token)}";
    }

    /// <summary>Sets an invited member's password from the invitation token.</summary>
    /// <remarks>
    /// An unknown email and a wrong or used token get the same answer, so the form does not tell who is a member. The
    /// token is checked before the password, so the password's rules are only shown with a valid invitation.
    /// </remarks>
    public async Task SetPasswordAsync(string email, string token, string password)
    {
        var invalid = new RequestRejectedException("invitation", InvalidInvitation);
        var member = await users.FindByEmailAsync(email) ?? throw invalid;
        var result = await users.ResetPasswordAsync(member, token, password);
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)))
            throw invalid;
        if (!result.Succeeded)
            throw new RequestRejectedException("password", string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    public const string InvalidInvitation = "this link is not valid or has already been used; ask an admin for a new one";

    private static bool IsAboutTheEmail(IdentityError error) => error.Code is nameof(IdentityErrorDescriber.InvalidEmail)
        or nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.InvalidUserName)
        or nameof(IdentityErrorDescriber.DuplicateUserName);
}
