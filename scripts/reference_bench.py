#!/usr/bin/env python3
"""The reference's side of scripts/bench-side-by-side.sh, and the comparison.

Imports the reference's own modules from a checkout of CLIP Surgery (--reference DIR, never part of this repository:
see the README's Benchmarks section) and times, on full-size random weights:

  weights  write random ViT-B/16 weights once, as a torch.save state dict (the reference's own CLIP class, random init);
           the engine loads the same file
  run      sgemm GFLOP/s; CS encode_image at 224 and 512 (batch 1); the demo.py explain pipeline per image; one CLIP
           opinions iteration as the CLIP-opinions fork's runclipga.py does it (batch 16, 5 tokens, 64 views)
  compare  reads the reference's JSON and ours (bench/Bench `parts`) and prints the figures and the ratios to the goals

The opinions step is written here from the fork's runclipga.py (which needs CUDA and kornia): the same tensors and
calls, with kornia's RandomAffine(degrees=10, translate=0.1, p=0.8) replaced by the same warp through affine_grid and
grid_sample (what kornia's warp_affine does), since kornia is not packaged here.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import tempfile
import time

ALL_TEXTS = ['airplane', 'bag', 'bed', 'bedclothes', 'bench', 'bicycle', 'bird', 'boat', 'book', 'bottle', 'building',
             'bus', 'cabinet', 'car', 'cat', 'ceiling', 'chair', 'cloth', 'computer', 'cow', 'cup', 'curtain', 'dog',
             'door', 'fence', 'floor', 'flower', 'food', 'grass', 'ground', 'horse', 'keyboard', 'light', 'motorbike',
             'mountain', 'mouse', 'person', 'plate', 'platform', 'potted plant', 'road', 'rock', 'sheep', 'shelves',
             'sidewalk', 'sign', 'sky', 'snow', 'sofa', 'table', 'track', 'train', 'tree', 'truck', 'tv monitor', 'wall',
             'water', 'window', 'wood']
TARGET_TEXTS = ['bench', 'person', 'ground', 'building']
SINGLE_TEXT = 'bench'
SGEMM_N = 2048
# ViT-B/16 as OpenAI's build_model reads it from the released file.
VIT_B16 = dict(embed_dim=512, image_resolution=224, vision_layers=12, vision_width=768, vision_patch_size=16,
               context_length=77, vocab_size=49408, transformer_width=512, transformer_heads=8, transformer_layers=12)
SURGERY_BLOCKS = 6


def log(*parts):
    print('reference:', *parts, file=sys.stderr, flush=True)


def import_reference(directory):
    sys.path.insert(0, os.path.abspath(directory))
    import clip  # noqa: F401  (the reference's package: clip/clip.py, build_model.py, clip_surgery_model.py)
    from clip.build_model import build_model
    from clip.clip_model import CLIP
    return clip, build_model, CLIP


def sync(device):
    import torch
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def seconds(device, repeats, fn, warmups=1):
    for _ in range(warmups):
        fn()
    sync(device)
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        sync(device)
        out.append(time.perf_counter() - t)
    return out


def stats(values):
    return {'min_s': min(values), 'median_s': statistics.median(values), 'max_s': max(values), 'n': len(values)}


def cs_vit_flops(width, layers, patch, resolution, embed, dual=SURGERY_BLOCKS):
    """GEMM FLOPs (2 per multiply-add) of the CLIP Surgery ViT forward at batch 1, op by op as the reference computes it:
    patchify conv; per plain block qkv (3C), q·kᵀ and attn·v (L² each), out_proj, c_fc + c_proj (4C); per dual block the
    same qkv, TWO attentions (q·kᵀ and v·vᵀ, each with its ·v), out_proj TWICE (both paths) and one MLP (the original
    path's); ln_post @ proj on all tokens. LayerNorm, softmax, QuickGELU and adds are memory-bound and not counted."""
    n = (resolution // patch) ** 2
    L, C = n + 1, width
    patchify = 2 * n * (3 * patch * patch) * C
    qkv = 2 * L * C * 3 * C
    attention = 2 * (2 * L * L * C)        # q kᵀ and attn v over all heads
    out_proj = 2 * L * C * C
    mlp = 2 * (2 * L * C * 4 * C)
    plain = qkv + attention + out_proj + mlp
    dual_block = qkv + 2 * attention + 2 * out_proj + mlp
    return patchify + (layers - dual) * plain + dual * dual_block + 2 * L * C * embed


def profiler_flops(model, image):
    """FLOPs torch.profiler counts on the reference's own forward (matmul/conv kernels), as a check of the count above."""
    import torch
    from torch.profiler import profile, ProfilerActivity
    with torch.no_grad(), profile(activities=[ProfilerActivity.CPU], with_flops=True) as prof:
        model.encode_image(image)
    kinds = {}
    for e in prof.key_averages():
        if e.flops and e.key in ('aten::mm', 'aten::addmm', 'aten::bmm', 'aten::conv2d'):
            kinds[e.key] = kinds.get(e.key, 0) + e.flops
    return kinds


def cpu_name():
    try:
        with open('/proc/cpuinfo') as fh:
            return next((l.split(':', 1)[1].strip() for l in fh if l.startswith('model name')), platform.machine())
    except OSError:
        return platform.machine()


def blas_library():
    """The BLAS this process loaded (Debian's torch links the generic libblas.so.3, which the alternatives system points
    at OpenBLAS when libopenblas0-pthread is installed, else at the slow reference BLAS)."""
    try:
        with open('/proc/self/maps') as fh:
            paths = {l.split()[-1] for l in fh if 'blas' in l.lower() and '/' in l}
        return ', '.join(sorted(os.path.realpath(p) for p in paths)) or None
    except OSError:
        return None


def cmd_weights(a):
    import torch
    _, _, CLIP = import_reference(a.reference)
    torch.manual_seed(0)
    config = dict(VIT_B16)
    if a.small:  # a smoke test of the tools: 6 blocks (Surgery rebuilds the last 6), width 128
        config.update(embed_dim=64, vision_layers=6, vision_width=128, transformer_width=128, transformer_heads=2, transformer_layers=2)
    model = CLIP(**config)
    # The reference's own random init; speed does not depend on weight values.
    torch.save(model.state_dict(), a.out)
    log(f'wrote {a.out} ({os.path.getsize(a.out) / 2**20:.0f} MiB)')


def load_models(a, build_model):
    import torch
    state = torch.load(a.weights, map_location='cpu')
    plain = build_model('ViT-B/16', dict(state)).to(a.device).float().eval()
    cs = build_model('CS-ViT-B/16', dict(state)).to(a.device).float().eval()
    return plain, cs


def preprocess(size):
    from torchvision.transforms import Compose, Resize, ToTensor, Normalize, InterpolationMode
    return Compose([Resize((size, size), interpolation=InterpolationMode.BICUBIC), ToTensor(),
                    Normalize((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711))])


class TextCharge:
    """--ref-demo parts: each encode_text_with_prompt_ensemble call encodes its first label for real and is charged that
    label's measured time for each further label (the reference runs all 77 positions for every prompt, so the cost of
    a label does not depend on which label it is); the other labels' features are the first's. --ref-demo full: all real."""

    def __init__(self, clip, mode):
        self.clip, self.mode, self.charged, self.real_labels = clip, mode, 0.0, 0

    def ensemble(self, model, texts, device):
        import torch
        if self.mode == 'full' or len(texts) == 1:
            self.real_labels += len(texts)
            return self.clip.encode_text_with_prompt_ensemble(model, texts, device)
        t = time.perf_counter()
        first = self.clip.encode_text_with_prompt_ensemble(model, texts[:1], device)
        sync(device)
        self.charged += (time.perf_counter() - t) * (len(texts) - 1)
        self.real_labels += 1
        return first.expand(len(texts), -1).contiguous()


def demo_image(clip, plain, cs, path, device, out_dir, text):
    """demo.py's explain steps for one image, SAM excluded: plain CLIP at 224, CLIP Surgery at 224 and 512 over the 59
    labels (overlays of the 4 targets written), then Surgery for one text at 512 against the empty-label redundant
    feature: its map (overlay written) and its SAM points."""
    import cv2
    import numpy as np
    import torch
    from PIL import Image
    pil_img = Image.open(path).convert('RGB')
    cv2_img = cv2.cvtColor(np.array(pil_img), cv2.COLOR_RGB2BGR)
    written = 0

    def draw(similarity_map, names, tag):
        nonlocal written
        for b in range(similarity_map.shape[0]):
            for n in range(similarity_map.shape[-1]):
                if names[n] not in TARGET_TEXTS and len(names) > 1:
                    continue
                vis = (similarity_map[b, :, :, n].cpu().numpy() * 255).astype('uint8')
                vis = cv2.applyColorMap(vis, cv2.COLORMAP_JET)
                vis = cv2_img * 0.4 + vis * 0.6
                vis = cv2.cvtColor(vis.astype('uint8'), cv2.COLOR_BGR2RGB)
                cv2.imwrite(os.path.join(out_dir, f'{tag}_{names[n]}.png'), vis)
                written += 1

    with torch.no_grad():
        image = preprocess(224)(pil_img).unsqueeze(0).to(device)
        f = plain.encode_image(image)
        f = f / f.norm(dim=-1, keepdim=True)
        t = text.ensemble(plain, ALL_TEXTS, device)
        draw(clip.get_similarity_map((f @ t.t())[:, 1:, :], cv2_img.shape[:2]), ALL_TEXTS, 'clip')

        for size in (224, 512):
            image = preprocess(size)(pil_img).unsqueeze(0).to(device)
            f = cs.encode_image(image)
            f = f / f.norm(dim=-1, keepdim=True)
            t = text.ensemble(cs, ALL_TEXTS, device)
            s = clip.clip_feature_surgery(f, t)
            draw(clip.get_similarity_map(s[:, 1:, :], cv2_img.shape[:2]), ALL_TEXTS, f'cs{size}')

        f = cs.encode_image(image)  # 512, as the demo re-encodes per section
        f = f / f.norm(dim=-1, keepdim=True)
        t = text.ensemble(cs, [SINGLE_TEXT], device)
        r = text.ensemble(cs, [""], device)
        s = clip.clip_feature_surgery(f, t, r)
        draw(clip.get_similarity_map(s[:, 1:, :], cv2_img.shape[:2]), [SINGLE_TEXT], 'single')
        points, labels = clip.similarity_map_to_points(s[0, 1:, 0], cv2_img.shape[:2], t=0.8)
    return written, len(points)


class Pars:
    """runclipga.py's Pars: logits [B, k, V] ~ N(0, 1), hard Gumbel-softmax at tau 1000, the sequence [SOT, k soft, EOT…]."""

    def __init__(self, batch, tokens, vocab, device):
        import torch
        self.normu = torch.nn.Parameter(torch.zeros(batch, tokens, vocab).normal_().to(device))
        self.start = torch.zeros(batch, 1, vocab, device=device)
        self.start[:, :, 49406] = 1
        self.pad = torch.zeros(batch, 77 - (tokens + 1), vocab, device=device)
        self.pad[:, :, 49407] = 1

    def __call__(self):
        import torch
        import torch.nn.functional as F
        soft = F.gumbel_softmax(self.normu, tau=1000, dim=-1, hard=True)
        return torch.cat([self.start, soft, self.pad], 1)


def random_affine(images, degrees=10.0, translate=0.1, p=0.8):
    """kornia RandomAffine(degrees, translate, p) for [N, 3, S, S]: per view, with probability p, a rotation about the
    centre by U(-deg, deg) and a shift by U(-t, t) of the side, bilinear, zeros outside (kornia warps the same way)."""
    import torch
    import torch.nn.functional as F
    n = images.shape[0]
    angle = (torch.rand(n, device=images.device) * 2 - 1) * math.radians(degrees)
    shift = (torch.rand(n, 2, device=images.device) * 2 - 1) * 2 * translate
    apply = torch.rand(n, device=images.device) < p
    cos, sin = angle.cos(), angle.sin()
    theta = torch.stack([torch.stack([cos, sin, shift[:, 0]], 1), torch.stack([-sin, cos, shift[:, 1]], 1)], 1)
    moved = F.grid_sample(images, F.affine_grid(theta, list(images.shape), align_corners=False), align_corners=False)
    return torch.where(apply.view(-1, 1, 1, 1), moved, images)


def opinions_steps(plain, path, device, steps, batch=16, tokens=5, views=64):
    """runclipga.py's train() per step: 64 views → encode_image (the fork builds the graph, then .detach()); the whole
    one-hot sequence @ token_embedding through all 77 positions; loss; backward; Adam (lr 5). Returns seconds per step,
    split into the image part and the text part."""
    import numpy as np
    import torch
    import torch.nn.functional as F
    from PIL import Image
    from torchvision.transforms import Normalize
    perceptor = plain  # .eval().float(); its parameters keep requires_grad as clip.load leaves them
    for q in perceptor.parameters():
        q.requires_grad_(True)
    im = torch.tensor(np.array(Image.open(path).convert('RGB'))).to(device).unsqueeze(0).permute(0, 3, 1, 2) / 255
    im = F.interpolate(im, (224, 224))
    lats = Pars(batch, tokens, 49408, device)
    optimizer = torch.optim.Adam([{'params': [lats.normu], 'lr': 5}])
    nom = Normalize((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711))

    def encode_text(text):
        x = torch.matmul(text, perceptor.token_embedding.weight)
        x = x + perceptor.positional_embedding
        x = x.permute(1, 0, 2)
        x = perceptor.transformer(x)
        x = x.permute(1, 0, 2)
        x = perceptor.ln_final(x)
        return x[torch.arange(x.shape[0]), tokens + 2] @ perceptor.text_projection

    image_s, text_s = [], []
    for i in range(steps + 1):
        t0 = time.perf_counter()
        iii = nom(random_affine(im[:, :3, :, :].expand(views, -1, -1, -1)))
        # OpenAI CLIP (the fork's) pools the class token; this reference's plain model returns all tokens: take token 0.
        iii = perceptor.encode_image(iii)[:, 0].detach()
        sync(device)
        t1 = time.perf_counter()
        lll = lats()
        tx = encode_text(lll)
        loss1 = -100 * torch.cosine_similarity(tx.unsqueeze(0), iii.unsqueeze(1), -1).view(-1, batch).T.mean(1)
        loss = loss1.mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss.item()
        sync(device)
        t2 = time.perf_counter()
        if i > 0:
            image_s.append(t1 - t0)
            text_s.append(t2 - t1)
        log(f'opinions step {i}: image {t1 - t0:.2f} s, text {t2 - t1:.2f} s')
    return image_s, text_s


def cmd_run(a):
    import torch
    torch.set_num_threads(a.threads)
    clip, build_model, _ = import_reference(a.reference)
    report = {'torch': torch.__version__, 'torch_threads': torch.get_num_threads(), 'device': a.device,
              'blas': blas_library(),
              'machine': {'cpu': cpu_name(), 'logical_cores': os.cpu_count(),
                          'load_average_1min': os.getloadavg()[0], 'date_utc': time.strftime('%Y-%m-%d %H:%M', time.gmtime())}}
    x = torch.randn(SGEMM_N, SGEMM_N, device=a.device)
    y = torch.randn(SGEMM_N, SGEMM_N, device=a.device)
    sg = seconds(a.device, a.repeats, lambda: x @ y, warmups=2)
    report['sgemm'] = {'n': SGEMM_N, 'gflops_best': 2 * SGEMM_N ** 3 / min(sg) / 1e9,
                       'gflops_median': 2 * SGEMM_N ** 3 / statistics.median(sg) / 1e9}
    log(f"sgemm {report['sgemm']['gflops_best']:.1f} GFLOP/s ({report['blas']})")
    del x, y

    plain, cs = load_models(a, build_model)
    conv = cs.visual.conv1.weight
    cfg = dict(vision_width=conv.shape[0], vision_patch_size=conv.shape[-1], embed_dim=cs.visual.proj.shape[1],
               vision_layers=len(cs.visual.transformer.resblocks))
    report['arch'] = cfg
    report['encode'] = {}
    for size in (224, 512):
        image = torch.randn(1, 3, size, size, generator=torch.Generator().manual_seed(7)).to(a.device)
        with torch.no_grad():
            t = seconds(a.device, a.repeats, lambda: cs.encode_image(image))
        flops = cs_vit_flops(cfg['vision_width'], cfg['vision_layers'], cfg['vision_patch_size'], size, cfg['embed_dim'])
        entry = {'reference': stats(t), 'gemm_flops': flops}
        if a.device == 'cpu' and size == 224:
            entry['profiler_flops'] = profiler_flops(cs, image)
        report['encode'][f'r{size}'] = entry
        log(f'cs encode r{size}: {min(t) * 1000:.0f} ms best, {statistics.median(t) * 1000:.0f} ms median, {flops / 1e9:.1f} GFLOP')

    images = sorted(os.path.join(a.image_dir, f) for f in os.listdir(a.image_dir) if f.lower().endswith(('.png', '.jpg')))
    text = TextCharge(clip, a.ref_demo)
    per_image = []
    with tempfile.TemporaryDirectory() as out:
        for i in range(a.images):
            text.charged = 0.0
            t = time.perf_counter()
            written, points = demo_image(clip, plain, cs, images[i % len(images)], a.device, out, text)
            sync(a.device)
            real = time.perf_counter() - t
            per_image.append(real + text.charged)
            log(f'demo image {i + 1}: {per_image[-1]:.1f} s ({real:.1f} s run, {text.charged:.1f} s charged), {written} overlays, {points} points')
    report['pipeline'] = {'mode': a.ref_demo, 'per_image_s': per_image, 'images': a.images,
                          'label_ensembles_per_image': 3 * len(ALL_TEXTS) + 2}

    with torch.enable_grad():
        im_s, tx_s = opinions_steps(plain, next(p for p in images if p.endswith('demo.jpg')), a.device, a.steps)
    report['opinions'] = {'image_part': stats(im_s), 'text_part': stats(tx_s),
                          'step_best_s': min(i + t for i, t in zip(im_s, tx_s)),
                          'step_median_s': statistics.median(i + t for i, t in zip(im_s, tx_s))}
    with open(a.json, 'w') as fh:
        json.dump(report, fh, indent=2)
    log(f'wrote {a.json}')


def cmd_compare(a):
    ref = json.load(open(a.ref))
    ours = {}
    for path in a.ours:  # several `parts --sections …` runs merge
        ours.update(json.load(open(path)))
    rows, goals = [], []

    def row(name, r, o, unit='ms', scale=1000):
        rows.append((name, r * scale if r is not None else None, o * scale if o is not None else None, unit))

    sg_r, sg_o = ref['sgemm']['gflops_best'], ours['sgemm']['gflops_best']
    rows.append(('sgemm 2048³ fp32 (GFLOP/s, best)', sg_r, sg_o, 'GFLOP/s'))
    bound_rate = max(sg_r, sg_o)
    for size in ('r224', 'r512'):
        r = ref['encode'][size]['reference']['min_s']
        o = ours['encode'][size]['engine']['min_s']
        flops = ref['encode'][size]['gemm_flops']
        bound = flops / (bound_rate * 1e9)
        row(f'CS encode {size[1:]} b1 (best)', r, o)
        rows.append((f'  sgemm bound at {bound_rate:.0f} GFLOP/s ({flops / 1e9:.1f} GFLOP)', None, bound * 1000, 'ms'))
        goals.append((f'CS encode {size[1:]}: ours at ≥ 80 % of the sgemm bound', 100 * bound / o, '%', 100 * bound / o >= 80,
                      f'ref {100 * bound / r:.0f} %; vs our own sgemm {100 * flops / (sg_o * 1e9) / o:.0f} %, vs OpenBLAS {100 * flops / (sg_r * 1e9) / o:.0f} %'))
    ref_demo = statistics.median(ref['pipeline']['per_image_s'])
    our_demo = ours['pipeline']['steady']['median_s']
    row(f"demo pipeline per image (ref {ref['pipeline']['mode']}, ours steady median)", ref_demo, our_demo)
    row('  ours: first image (cold text)', None, ours['pipeline']['first_image_s'])
    goals.append(('steady demo pipeline ≥ 100× the reference', ref_demo / our_demo, '×', ref_demo / our_demo >= 100, ''))
    r_op = ref['opinions']['step_best_s']
    o_op = ours['opinions']['engine_step']['min_s']
    row('opinions iteration B16 k5 64 views (best)', r_op, o_op, 's', 1)
    row('  image part (64 views; ours: step less text part)', ref['opinions']['image_part']['min_s'], ours['opinions']['image_part_derived_s'], 's', 1)
    row('  text part (tokens → loss → backward → Adam)', ref['opinions']['text_part']['min_s'], ours['opinions']['after_text_part']['min_s'], 's', 1)
    row('  ours before: text the reference\'s way', None, ours['opinions']['before_text_part']['min_s'], 's', 1)
    row('  ours before: whole step (image part + that text part)', None, ours['opinions']['before_step_derived_best_s'], 's', 1)
    goals.append(('opinions iteration ≥ 3× faster', r_op / o_op, '×', r_op / o_op >= 3,
                  f"text part before/after {ours['opinions']['before_text_part']['min_s'] / ours['opinions']['after_text_part']['min_s']:.1f}×"))
    growth = ours['pipeline'].get('rss_growth_from_image_20_pct')
    if growth is None and a.rss:
        e2e = json.load(open(a.rss))
        growth = e2e.get('rss_growth_from_image_20_pct')
        ours['pipeline']['images'] = f"{e2e['images']} ({e2e['arch']}, {a.rss})"
    if growth is not None:
        goals.append((f"RSS flat ±5 % from image 20 to {ours['pipeline']['images']}", growth, '%', abs(growth) <= 5, ''))

    lines = [f"side by side, {ref['machine']['date_utc']} UTC, {ref['machine']['cpu']}, {ref['machine']['logical_cores']} cores, "
             f"threads ref {ref['torch_threads']} / ours {ours['torch_threads']}, load avg at start ref {ref['machine']['load_average_1min']:.1f} / ours {ours['machine']['load_average_1min']:.1f}",
             f"reference: torch {ref['torch']} ({ref['blas']}), ours: TorchSharp on {ours['device']}", '',
             f"{'figure':<62} {'reference':>12} {'ours':>12}"]
    for name, r, o, unit in rows:
        fmt = (lambda v: f'{v:>9.1f} {unit:<2}' if v is not None else f"{'—':>12}")
        lines.append(f'{name:<62} {fmt(r):>12} {fmt(o):>12}')
    check = ref['encode']['r224'].get('profiler_flops')
    if check:
        lines += ['', f"GEMM FLOPs of the CS encode at 224: counted {ref['encode']['r224']['gemm_flops'] / 1e9:.2f} G; torch.profiler on "
                  f"the reference's forward {sum(check.values()) / 1e9:.2f} G ({', '.join(f'{k} {v / 1e9:.2f}' for k, v in check.items())})"]
    lines += ['', f"{'goal':<52} {'measured':>12}  result"]
    for name, value, unit, ok, note in goals:
        lines.append(f"{name:<52} {value:>10.1f} {unit:<1}  {'MET' if ok else 'NOT MET'}  {note}")
    text = '\n'.join(lines)
    print(text)
    if a.out:
        with open(a.out, 'w') as fh:
            fh.write(text + '\n')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='cmd', required=True)
    w = sub.add_parser('weights')
    w.add_argument('--reference', required=True)
    w.add_argument('--out', required=True)
    w.add_argument('--small', action='store_true', help='a small model, to check the tools quickly')
    r = sub.add_parser('run')
    r.add_argument('--reference', required=True)
    r.add_argument('--weights', required=True)
    r.add_argument('--image-dir', required=True)
    r.add_argument('--device', default='cpu')
    r.add_argument('--threads', type=int, default=2)
    r.add_argument('--repeats', type=int, default=5)
    r.add_argument('--steps', type=int, default=3)
    r.add_argument('--images', type=int, default=1)
    r.add_argument('--ref-demo', choices=['parts', 'full'], default='parts')
    r.add_argument('--json', required=True)
    c = sub.add_parser('compare')
    c.add_argument('ref')
    c.add_argument('ours', nargs='+')
    c.add_argument('--out')
    c.add_argument('--rss', help='an e2e --images 200 JSON, for the RSS goal when the pipeline part ran fewer images')
    a = p.parse_args()
    {'weights': cmd_weights, 'run': cmd_run, 'compare': cmd_compare}[a.cmd](a)


if __name__ == '__main__':
    main()
