"""Parts of the GAN panel: Qt-free job generators, the sample grid, the interpolation strip, training."""
