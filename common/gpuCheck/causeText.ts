// A failed provider's cause in a few words, for the report's badge (the reason beside it says the
// rest). The report page, the panel's host and the tests share it.
import type { ProviderFailureCause } from '../protocol';

const CAUSE_TEXT: Record<ProviderFailureCause, string> = {
  'provider-not-installed': 'Not installed',
  'provider-damaged': 'Damaged library',
  'cuda-runtime-missing': 'No CUDA runtime',
  'cudnn-missing': 'No cuDNN',
  'cudnn-mismatch': 'Wrong cuDNN',
  'tensorrt-missing': 'No TensorRT',
  'driver-too-old': 'Driver too old',
  'driver-mismatch': 'Driver mismatch',
  'no-device': 'No device',
  'no-adapter': 'No adapter',
  'not-in-build': 'Not in this build',
  'out-of-memory': 'Out of memory',
  'wrong-result': 'Wrong result',
  crashed: 'Crashed',
  timeout: 'Timed out',
  'runtime-missing': 'No runtime',
  unknown: 'Failed',
};

/** "Not installed" for 'provider-not-installed'; "Failed" when the cause is not known. */
export function causeText(cause: ProviderFailureCause | undefined): string {
  return (cause && CAUSE_TEXT[cause]) ?? 'Failed';
}
