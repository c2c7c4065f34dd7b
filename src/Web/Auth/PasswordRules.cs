using Microsoft.AspNetCore.Identity;

namespace ClipSurgeryWeb.Web.Auth;

/// <summary>
/// The password rules as people read them, from the configured <see cref="PasswordOptions"/> (what Identity will check),
/// so the set-password form states every rule before anyone types and never a copy that drifts from the configuration.
/// </summary>
public static class PasswordRules
{
    public static IReadOnlyList<string> Describe(PasswordOptions options)
    {
        var rules = new List<string> { options.RequiredLength == 1 ? "at least 1 character" : $"at least {options.RequiredLength} characters" };
        if (options.RequiredUniqueChars > 1)
            rules.Add($"at least {options.RequiredUniqueChars} different characters");
        if (options.RequireUppercase)
            rules.Add("an upper-case letter (A–Z)");
        if (options.RequireLowercase)
            rules.Add("a lower-case letter (a–z)");
        if (options.RequireDigit)
            rules.Add("a digit (0–9)");
        if (options.RequireNonAlphanumeric)
            rules.Add("a character that is neither a letter nor a digit, such as ! or -");
        return rules;
    }
}
