import { saveTensorFile, loadTensorFile } from './tensor-file.ts';
import type { CheckpointTensor } from '@rsd/heads';
import type { TaskDemos, TrainingDemo } from './demo-stage.ts';

const FORMAT = 'rsd-train-default-demos/1';

/** Writes one task's demos (actions, agent view, ee_pos, gripper states) as safetensors, atomically. */
export async function saveTaskDemos(path: string, task: TaskDemos & { failures: number }, imageSize: number): Promise<string> {
  const tensors = new Map<string, CheckpointTensor>();
  task.demos.forEach((d, i) => {
    const T = d.actions.length / 7;
    tensors.set(`${i}.actions`, { dtype: 'float64', shape: [T, 7], data: d.actions });
    tensors.set(`${i}.agentviewRgb`, { dtype: 'uint8', shape: [T, imageSize, imageSize, 3], data: d.agentviewRgb });
    tensors.set(`${i}.eePos`, { dtype: 'float64', shape: [T, 3], data: d.eePos });
    tensors.set(`${i}.gripperStates`, { dtype: 'float64', shape: [T, 2], data: d.gripperStates });
  });
  return saveTensorFile(path, tensors, {
    format: FORMAT,
    taskId: String(task.taskId),
    instruction: task.instruction,
    demos: String(task.demos.length),
    failures: String(task.failures),
  });
}

/** Reads a file written by {@link saveTaskDemos}. */
export async function loadTaskDemos(path: string): Promise<TaskDemos & { failures: number }> {
  const { tensors, meta } = await loadTensorFile(path, FORMAT);
  const get = <T>(name: string) => tensors.get(name)!.data as T;
  const demos: TrainingDemo[] = Array.from({ length: Number(meta('demos')) }, (_, i) => ({
    actions: get<Float64Array>(`${i}.actions`),
    agentviewRgb: get<Uint8Array>(`${i}.agentviewRgb`),
    eePos: get<Float64Array>(`${i}.eePos`),
    gripperStates: get<Float64Array>(`${i}.gripperStates`),
  }));
  return { taskId: Number(meta('taskId')), instruction: meta('instruction'), demos, failures: Number(meta('failures')) };
}
