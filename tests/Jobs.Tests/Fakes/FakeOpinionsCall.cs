using ClipSurgeryWeb.Engine.Hosting;
using ClipSurgeryWeb.Engine.Pipeline;
using ClipSurgeryWeb.Jobs.Engine;

namespace ClipSurgeryWeb.Tests.Fakes;

/// <summary>One opinions call the fake engine was given: the models and the request.</summary>
public sealed record FakeOpinionsCall(EngineModels Models, OpinionsRequest Request)
{
    public Precision Precision => Models.Precision;
}
