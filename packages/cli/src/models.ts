// The networks `--model` accepts. Names only: the builders (and tfjs) load when a command runs.
const MODEL_NAMES = [
  'lenet5',
  'wm-cnn',
  'vgg11',
  'vgg16',
  'resnet18',
  'resnet20',
  'resnet34',
  'resnet56',
  'mobilenet-v1',
  'mobilenet-v2',
  'pyramidnet',
] as const;

export function listModels(): readonly string[] {
  return MODEL_NAMES;
}
