using System.Diagnostics;
using ClipSurgeryWeb.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClipSurgeryWeb.Bench;

/// <summary>
/// A copy of <see cref="VisionTransformer.EncodeSurgery"/> built from the model's own parameters, that times every op
/// by kind (GEMMs, LayerNorm, QuickGELU, attention, copies, adds) and can try changes before they go into
/// <c>src/Engine/Models</c>. CPU ops are synchronous, so a stopwatch around each is its time. Its output is compared
/// with the engine's (<see cref="OursParts"/>) so that a change which alters the numbers shows.
/// </summary>
public sealed class ProfiledSurgery
{
    private readonly Dictionary<string, Tensor> p;
    private readonly int heads;
    private readonly int patch;
    private readonly int layers;
    private readonly Dictionary<int, Tensor> positions = [];

    /// <summary>Changes to try, each off in the engine's form.</summary>
    /// <param name="InPlaceGelu">QuickGELU as <c>h.mul_(sigmoid_(1.702·h))</c>: one temporary instead of three.</param>
    /// <param name="SharedOutProj">Dual blocks: both paths through <c>out_proj</c> in one GEMM (concatenated rows) instead of two.</param>
    /// <param name="ExplicitAttention">softmax(q kᵀ s) v with matmuls instead of scaled_dot_product_attention.</param>
    /// <param name="InPlaceResidual">residual adds in place (<c>x.add_</c>) where the input is no longer needed.</param>
    /// <param name="FusedLinearGelu">c_fc as addmm on the 2-D view, then the in-place QuickGELU.</param>
    public sealed record Options(bool InPlaceGelu = false, bool SharedOutProj = false, bool ExplicitAttention = false, bool InPlaceResidual = false, bool FusedLinearGelu = false)
    {
        public static Options Engine { get; } = new();
    }

    public ProfiledSurgery(VisionTransformer visual)
    {
        p = visual.named_parameters().ToDictionary(x => x.name, x => (Tensor)x.parameter);
        long width = p["conv1.weight"].shape[0];
        heads = (int)(width / 64);
        patch = (int)p["conv1.weight"].shape[^1];
        layers = p.Keys.Count(k => k.EndsWith(".attn.in_proj_weight", StringComparison.Ordinal));
    }

    public Dictionary<string, double> Seconds { get; } = [];

    public void Reset() => Seconds.Clear();

    private Tensor T(string kind, Func<Tensor> op)
    {
        var sw = Stopwatch.StartNew();
        var r = op();
        Seconds[kind] = Seconds.GetValueOrDefault(kind) + sw.Elapsed.TotalSeconds;
        return r;
    }

    private Tensor Ln(Tensor x, string name) =>
        T("layernorm", () => F.layer_norm(x, [x.shape[^1]], p[name + ".weight"], p[name + ".bias"], 1e-5));

    private Tensor Linear(Tensor x, string name) =>
        T("gemm (linear)", () => F.linear(x, p[name + ".weight"], p[name + ".bias"]));

    public Tensor Encode(Tensor image, Options o)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = T("gemm (conv1 patchify)", () => F.conv2d(image, p["conv1.weight"], strides: [patch, patch]));   // [B, C, S, S]
        int side = (int)x.shape[^1];
        x = T("copies/reshape/cat", () =>
        {
            var t = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1);          // [B, C, S, S] -> [B, S², C]
            return torch.cat([p["class_embedding"].expand(t.shape[0], 1, -1), t], 1); // [B, 1+S², C]
        });
        if (!positions.TryGetValue(side, out var pos))
            positions[side] = pos = PositionalEmbeddingCache.Resize(p["positional_embedding"], side).DetachFromDisposeScope();
        x = T("adds", () => x + pos);
        x = Ln(x, "ln_pre");

        int firstDual = layers - VisionTransformer.SurgeryBlocks;
        for (int i = 0; i < firstDual; i++)
        {
            var b = $"transformer.resblocks.{i}";
            var (q, k, v) = Qkv(Ln(x, b + ".ln_1"), b);
            var a = Attention(q, k, v, o);
            var attn = Linear(Merge(a), b + ".attn.out_proj");
            x = Add(x, attn, o);
            x = Add(x, Mlp(Ln(x, b + ".ln_2"), b, o), o);
        }

        Tensor? xOri = null;
        for (int i = firstDual; i < layers; i++)
        {
            var b = $"transformer.resblocks.{i}";
            var (q, k, v) = Qkv(Ln(xOri ?? x, b + ".ln_1"), b);
            var ori = Attention(q, k, v, o);
            var vv = Attention(v, v, v, o);
            Tensor xNewRes, xOriRes;
            if (o.SharedOutProj)
            {
                var both = T("copies/reshape/cat", () => torch.cat([Merge(vv), Merge(ori)], 0));   // [2B, L, C]
                var projected = Linear(both, b + ".attn.out_proj");
                long batch = x.shape[0];
                (xNewRes, xOriRes) = (projected[..(int)batch], projected[(int)batch..]);
            }
            else
            {
                xNewRes = Linear(Merge(vv), b + ".attn.out_proj");
                xOriRes = Linear(Merge(ori), b + ".attn.out_proj");
            }
            var ori2 = T("adds", () => (xOri ?? x) + xOriRes);
            ori2 = Add(ori2, Mlp(Ln(ori2, b + ".ln_2"), b, o), o);
            x = Add(x, xNewRes, o);
            xOri = ori2;
        }

        x = T("copies/reshape/cat", () => torch.cat([xOri![.., ..1], x[.., 1..]], 1));     // [B, 1+N, C]
        x = Ln(x, "ln_post");
        var result = T("gemm (linear)", () => x.matmul(p["proj"]));                          // [B, 1+N, D]
        return result.MoveToOuterDisposeScope();
    }

    private Tensor Add(Tensor x, Tensor y, Options o) =>
        T("adds", () => o.InPlaceResidual ? x.add_(y) : x + y);

    private (Tensor Q, Tensor K, Tensor V) Qkv(Tensor x, string block)
    {
        var qkv = T("gemm (linear)", () => F.linear(x, p[block + ".attn.in_proj_weight"], p[block + ".attn.in_proj_bias"]));  // [B, L, 3C]
        var (bsz, l, c3) = (qkv.shape[0], qkv.shape[1], qkv.shape[2]);
        var split = T("copies/reshape/cat", () => qkv.view(bsz, l, 3, heads, c3 / 3 / heads).permute(2, 0, 3, 1, 4));   // [3, B, H, L, d]
        return (split[0], split[1], split[2]);
    }

    private Tensor Attention(Tensor q, Tensor k, Tensor v, Options o)
    {
        if (!o.ExplicitAttention)
            return T("attention (sdpa)", () => F.scaled_dot_product_attention(q, k, v));   // [B, H, L, d]
        double scale = 1.0 / Math.Sqrt(q.shape[^1]);
        var scores = T("attention matmuls", () => q.matmul(k.transpose(-2, -1)).mul_(scale));   // [B, H, L, L]
        var weights = T("attention softmax", () => scores.softmax(-1));
        return T("attention matmuls", () => weights.matmul(v));                              // [B, H, L, d]
    }

    private Tensor Merge(Tensor o) =>
        T("copies/reshape/cat", () => AttentionHeads.Merge(o));                              // [B, H, L, d] -> [B, L, C]

    private Tensor Mlp(Tensor x, string block, Options o)
    {
        Tensor h;
        if (o.FusedLinearGelu)
        {
            var (bsz, l, c) = (x.shape[0], x.shape[1], x.shape[2]);
            h = T("gemm (linear)", () => torch.addmm(p[block + ".mlp.c_fc.bias"], x.reshape(bsz * l, c), p[block + ".mlp.c_fc.weight"].t(), 1, 1)
                .view(bsz, l, -1));                                                         // [B·L, C] @ [C, 4C] -> [B, L, 4C]
        }
        else
        {
            h = Linear(x, block + ".mlp.c_fc");
        }
        h = o.InPlaceGelu || o.FusedLinearGelu
            ? T("quickgelu", () => h.mul_(torch.sigmoid_(h * 1.702)))
            : T("quickgelu", () => h * torch.sigmoid(1.702 * h));
        return Linear(h, block + ".mlp.c_proj");
    }
}
