using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Methods;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Tests.Fakes;

/// <summary>One explain call the fake engine was given: the models and the request.</summary>
public sealed record FakeExplainCall(EngineModels Models, ExplainImagesRequest Request)
{
    public Precision Precision => Models.Precision;

    public IReadOnlyList<MapMethod> Modes => Request.Maps.EffectiveMethods;

    public int? Resolution => Request.Maps.Resolution;
}
