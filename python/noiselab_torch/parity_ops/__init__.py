"""Operations the engine's parity tests ask of the twins, one module per area (see ``noiselab_torch.parity``)."""
