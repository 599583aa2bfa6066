// `@anl/models/onnx`: importing it teaches @anl/onnx's exporter the layers of @anl/models (and, by
// importing `@anl/tfjs/onnx`, the noise layers its networks contain). The classes come from the main
// entry by package name (kept external by tsup), so they are the ones the networks are built from.
import '@anl/tfjs/onnx';
import { ShortcutPad, WeightMap } from '@anl/models';
import { registerLayerConverter } from '@anl/onnx';
import { shortcutPadConverter, weightMapConverter } from './model-layer-converters';

registerLayerConverter(ShortcutPad, shortcutPadConverter);
registerLayerConverter(WeightMap, weightMapConverter);

export { shortcutPadConverter, weightMapConverter };
