import type { LayerConverter } from './converter-context';
import { CONVOLUTION_CONVERTERS } from './convolution-layers';
import { CORE_CONVERTERS } from './core-layers';

/**
 * @anl/tfjs's PNI-W layers (`PniConv2D`, `PniDense`): exported noise-free, as the plain Conv2D /
 * Dense with the clean (trained) kernel W and bias; alpha is left out. Their configs carry the plain
 * layers' fields and their first weights are kernel and bias, so the plain converters apply as is.
 * The exported model is the deterministic mean-weight network: PNI-W in tfjs keeps drawing weight
 * noise at inference (by default), the ONNX graph does not.
 */
export const PNI_WEIGHT_CONVERTERS: Record<string, LayerConverter> = {
  'anl>PniConv2D': CONVOLUTION_CONVERTERS.Conv2D,
  'anl>PniDense': CORE_CONVERTERS.Dense,
};
