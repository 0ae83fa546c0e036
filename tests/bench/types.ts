/** One measured figure; `ratio` = value / baseline.value when a baseline was measured in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number; unit: string };
  ratio?: number;
  notes?: string;
}
