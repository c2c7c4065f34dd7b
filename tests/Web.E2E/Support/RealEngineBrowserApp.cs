using ClipSurgeryWeb.Web.Tests.Support;

namespace ClipSurgeryWeb.Web.E2E.Support;

/// <summary>The app with the real engine and the tiny fixture models (CLIP ViT and SAM) in its models folder.</summary>
public sealed class RealEngineBrowserApp : BrowserApp
{
    protected override ClipSurgeryAppFactory CreateFactory() => RealEngine.Factory();
}
