using Microsoft.AspNetCore.Antiforgery;

namespace ClipSurgeryWeb.Web.Auth;

public static class AntiforgeryConventions
{
    /// <summary>
    /// State-changing requests (POST, PUT, PATCH, DELETE) to these endpoints need the anti-forgery token as well as the
    /// cookie: UseAntiforgery checks it and <see cref="Endpoints.RequestRefusals"/> refuses the request when it is
    /// missing or wrong. Minimal APIs require it on their own only for form parameters; JSON bodies need this.
    /// </summary>
    public static TBuilder RequireAntiforgery<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequireAntiforgeryTokenAttribute());
}
