"""Makes torch_prune_fixture.json with Debian's PyTorch (python3-torch): the weights of a small
conv + linear net and the masks that torch.nn.utils.prune computes for them, so slimkit's
MaskSelector is checked against PyTorch's own pruning. Run once: /usr/bin/python3 make_fixture.py"""
import json
import torch
import torch.nn as nn
import torch.nn.utils.prune as prune

torch.manual_seed(0)


def net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(2, 4, 3), nn.Flatten(), nn.Linear(6, 5))


fixture = {"torch_version": torch.__version__, "amount": 0.6}
m = net()
fixture["conv.weight"] = m[0].weight.detach().flatten().tolist()
fixture["fc.weight"] = m[2].weight.detach().flatten().tolist()
prune.global_unstructured([(m[0], "weight"), (m[2], "weight")], pruning_method=prune.L1Unstructured, amount=0.6)
fixture["global_mask"] = {"conv.weight": m[0].weight_mask.flatten().int().tolist(),
                          "fc.weight": m[2].weight_mask.flatten().int().tolist()}
m = net()
prune.l1_unstructured(m[0], "weight", amount=0.6)
prune.l1_unstructured(m[2], "weight", amount=0.6)
fixture["layer_mask"] = {"conv.weight": m[0].weight_mask.flatten().int().tolist(),
                         "fc.weight": m[2].weight_mask.flatten().int().tolist()}
with open("torch_prune_fixture.json", "w") as f:
    json.dump(fixture, f)
print("pruned globally:", sum(1 - v for k in fixture["global_mask"] for v in fixture["global_mask"][k]),
      "of", len(fixture["conv.weight"]) + len(fixture["fc.weight"]))
