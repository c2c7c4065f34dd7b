namespace ClipSurgeryWeb.Engine.Tests.Support;

/// <summary>
/// What the engine tests' <c>CraftedImages</c> (linked into this project) needs of their <c>Shared</c>: the reference's
/// images, found here through <see cref="Web.Tests.Support.RealEngine"/>.
/// </summary>
internal static class Shared
{
    public static string Image(string name) => Web.Tests.Support.RealEngine.Sample(name);
}
