import { useMemo } from 'react';
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './admin.css';
import type { Diagram, DiagramNode } from './diagram';

type BoxData = { box: DiagramNode; horizontal: boolean };

/** One step / stage: its title and what the definition says about it (condition, approvers, ...). */
function Box({ data }: NodeProps<Node<BoxData>>) {
  const { box, horizontal } = data;
  return (
    <div className={`diagram-box kind-${box.kind}`} data-testid="diagram-node" data-id={box.id}>
      <Handle type="target" position={horizontal ? Position.Left : Position.Top} />
      <strong className="diagram-title">{box.title}</strong>
      {box.lines.map((line, i) => <div key={i} className="diagram-line">{line}</div>)}
      <Handle type="source" position={horizontal ? Position.Right : Position.Bottom} />
    </div>
  );
}

const nodeTypes = { box: Box };

/** The definition drawn with React Flow (decision 0086); read-only: the JSON beside it is what the admin edits. */
export default function FlowDiagram({ diagram, horizontal = false }: { diagram: Diagram; horizontal?: boolean }) {
  const { nodes, edges } = useMemo(() => ({
    nodes: diagram.nodes.map((box): Node<BoxData> => ({
      id: box.id, type: 'box', data: { box, horizontal }, draggable: false, connectable: false,
      position: horizontal ? { x: box.column * 320, y: 0 } : { x: box.column * 320, y: box.row * 170 },
    })),
    edges: diagram.edges.map((e): Edge => ({
      id: e.id, source: e.from, target: e.to, label: e.label, type: 'smoothstep', animated: e.dashed,
      markerEnd: { type: MarkerType.ArrowClosed }, style: e.dashed ? { strokeDasharray: '4 4' } : undefined,
    })),
  }), [diagram, horizontal]);
  return (
    <div className="flow-diagram" data-testid="diagram" style={{ height: horizontal ? 260 : Math.max(360, diagram.nodes.length * 170 + 40) }}>
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} fitView proOptions={{ hideAttribution: false }} nodesConnectable={false} elementsSelectable={false}>
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
